using Maintenance.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Maintenance.Host.Tests.Smoke;

public sealed class RabbitMqSmokeTests(RabbitMqServer rabbitMq)
{
    [Fact]
    public async Task A_message_sent_through_MassTransit_over_RabbitMQ_is_consumed()
    {
        var ct = TestContext.Current.CancellationToken;
        var virtualHost = await rabbitMq.CreateVirtualHostAsync(ct);
        var received = new SmokeMessages();

        var services = new ServiceCollection();
        services.AddSingleton(received);
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.AddConsumer<SmokePingConsumer>().Endpoint(e => e.Name = "smoke-ping");
            x.UsingRabbitMq((context, bus) =>
            {
                bus.Host(virtualHost, h =>
                {
                    h.Username(rabbitMq.UserName);
                    h.Password(rabbitMq.Password);
                });
                bus.ConfigureEndpoints(context);
            });
        });

        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync(ct);
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri("queue:smoke-ping"));
            var id = Guid.NewGuid();
            await endpoint.Send(new SmokePing(id, "over the wire"), ct);

            var ping = await received.First.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

            Assert.Equal(id, ping.Id);
            Assert.Equal("over the wire", ping.Text);
            Assert.Equal(virtualHost.AbsolutePath.TrimStart('/'), received.VirtualHost);
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }
    }
}

public sealed record SmokePing(Guid Id, string Text);

public sealed class SmokeMessages
{
    public TaskCompletionSource<SmokePing> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? VirtualHost { get; set; }
}

public sealed class SmokePingConsumer(SmokeMessages received) : IConsumer<SmokePing>
{
    public Task Consume(ConsumeContext<SmokePing> context)
    {
        // The broker's address of the queue names the virtual host it was consumed from.
        received.VirtualHost = context.ReceiveContext.InputAddress.Segments[1].TrimEnd('/');
        received.First.TrySetResult(context.Message);
        return Task.CompletedTask;
    }
}
