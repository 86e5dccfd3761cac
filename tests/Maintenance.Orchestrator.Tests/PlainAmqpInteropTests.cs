using System.Text;
using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Tests.Support;
using Maintenance.Testing;
using RabbitMQ.Client;

namespace Maintenance.Orchestrator.Tests;

/// <summary>
/// A service without MassTransit (Python, Node) starts a maintenance and hears it end with a plain AMQP client:
/// it publishes a MassTransit JSON envelope to the exchange <c>Maintenance.Contracts:StartMaintenance</c> and binds
/// its own queue to <c>Maintenance.Contracts:MaintenanceCompleted</c>. Both are durable fanout exchanges.
/// </summary>
public sealed class PlainAmqpInteropTests(PostgresServer postgres, RabbitMqServer rabbitMq, RedisServer redis)
    : DistributedTest(postgres, rabbitMq, redis)
{
    public const string StartExchange = "Maintenance.Contracts:StartMaintenance";
    public const string CompletedExchange = "Maintenance.Contracts:MaintenanceCompleted";

    /// <summary>What a plain client publishes: the envelope's <c>message</c> is the contract in camelCase.</summary>
    public const string StartEnvelope = """
        {
          "messageId": "6f1c2b9e-8d0a-4c4e-9a51-2b7e0f3d1a10",
          "messageType": ["urn:message:Maintenance.Contracts:StartMaintenance"],
          "message": { "targetDate": "2025-12-02", "requestedBy": "python-scanner", "force": false }
        }
        """;

    [Fact]
    public async Task A_plain_amqp_client_starts_a_maintenance_and_receives_maintenance_completed()
    {
        var ct = TestContext.Current.CancellationToken;
        await StartWorkersAsync();
        await StartOrchestratorAsync();

        await using var connection = await PlainConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.ExchangeDeclareAsync(CompletedExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        var queue = await channel.QueueDeclareAsync("python-scanner-maintenance-completed", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct);
        await channel.QueueBindAsync(queue.QueueName, CompletedExchange, routingKey: "", cancellationToken: ct);

        await channel.ExchangeDeclareAsync(StartExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", DeliveryMode = DeliveryModes.Persistent };
        await channel.BasicPublishAsync(StartExchange, "", mandatory: false, properties, Encoding.UTF8.GetBytes(StartEnvelope), ct);

        var delivery = await RunEvents.WaitAsync(async () => await channel.BasicGetAsync(queue.QueueName, autoAck: true, ct), "MaintenanceCompleted on the plain queue");
        var body = Encoding.UTF8.GetString(delivery.Body.Span);
        TestContext.Current.TestOutputHelper?.WriteLine(body);

        Assert.Equal("application/vnd.masstransit+json", delivery.BasicProperties.ContentType);
        var envelope = JsonDocument.Parse(body).RootElement;
        Assert.Contains("urn:message:Maintenance.Contracts:MaintenanceCompleted", envelope.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()));
        var completed = envelope.GetProperty("message");
        Assert.Equal(RunIds.ForDate(new DateOnly(2025, 12, 2)), completed.GetProperty("runId").GetGuid());
        Assert.Equal("2025-12-02", completed.GetProperty("targetDate").GetString());
        Assert.Equal(1, completed.GetProperty("attempt").GetInt32());
        Assert.True(completed.GetProperty("succeeded").GetBoolean());
        Assert.Equal(9, completed.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task A_broken_message_from_a_plain_client_is_kept_in_the_error_queue_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var orchestrator = await StartOrchestratorAsync();

        await using var connection = await PlainConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync(StartExchange, "", mandatory: false, properties, Encoding.UTF8.GetBytes("""{"messageType": ["urn:message:Maintenance.Contracts:StartMaintenance"], "message": {"targetDate": "2025-13-45", "requestedBy": "python-scanner"}}"""), ct);

        var kept = await RunEvents.WaitAsync(() => GetIfQueueExistsAsync(connection, OrchestratorRegistration.SagaEndpointName + "_error"), "the broken message in maintenance-saga_error");

        Assert.Contains("2025-13-45", Encoding.UTF8.GetString(kept.Body.Span));
        var reason = Encoding.UTF8.GetString((byte[])kept.BasicProperties.Headers!["MT-Fault-Message"]!);
        TestContext.Current.TestOutputHelper?.WriteLine(reason);
        Assert.Equal("The JSON value is not in a supported DateOnly format.", reason);
        Assert.Equal(0, await orchestrator.CountRunsAsync());
    }

    /// <summary>One message from a queue MassTransit creates on the first error; null while it does not exist yet.</summary>
    private static async Task<BasicGetResult?> GetIfQueueExistsAsync(IConnection connection, string queue)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, ct);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return null;
        }

        return await channel.BasicGetAsync(queue, autoAck: true, ct);
    }

    private async Task<IConnection> PlainConnectionAsync()
    {
        var address = new UriBuilder(VirtualHost) { UserName = RabbitMq.UserName, Password = RabbitMq.Password };
        return await new ConnectionFactory { Uri = address.Uri }.CreateConnectionAsync(TestContext.Current.CancellationToken);
    }
}
