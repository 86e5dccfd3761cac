using MassTransit;
using Maintenance.Contracts;
using Maintenance.Data;
using Maintenance.Data.Schema;
using Maintenance.MarketData.Sample;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maintenance.Tasks.Tests.Support;

/// <summary>
/// A worker process as the host builds it, for one test: the data layer, the market-data source and the step services.
/// Without a broker, a command goes straight to its step service (<see cref="AnswerAsync"/>) and comes back as the
/// event the consumer would publish; with one, the consumers run on a RabbitMQ virtual host, plus (when it has an
/// inbox) an endpoint that collects the steps' events.
/// </summary>
public sealed class TaskWorker : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly bool _onBus;

    private TaskWorker(IHost host, bool onBus, EventInbox? inbox)
    {
        _host = host;
        _onBus = onBus;
        Inbox = inbox;
    }

    public EventInbox? Inbox { get; }

    public IServiceProvider Services => _host.Services;

    public IBus Bus => _onBus ? _host.Services.GetRequiredService<IBus>() : throw new InvalidOperationException("This worker has no bus: start it with a RabbitMQ virtual host.");

    /// <param name="rabbitMq">The virtual host to consume from, or null to run the step services directly.</param>
    /// <param name="steps">The steps whose consumers listen on the bus (ignored without one: every step service is there).</param>
    public static async Task<TaskWorker> StartAsync(
        Uri? rabbitMq,
        IReadOnlyDictionary<string, string?> settings,
        IEnumerable<MaintenanceStep> steps,
        bool collectEvents = true,
        Action<IServiceCollection>? replace = null,
        bool applySchema = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        var output = TestContext.Current.TestOutputHelper;
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // Applying the schema to a fresh database logs the probe of the missing history table as an error.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Critical);
        if (output is not null)
        {
            builder.Logging.AddProvider(new TestOutputLogger(output));
        }

        builder.Services.AddMaintenanceData(builder.Configuration);
        builder.Services.AddMarketDataOrSample(builder.Configuration);
        builder.Services.AddMaintenanceTasks(builder.Configuration);
        replace?.Invoke(builder.Services);
        var inbox = rabbitMq is not null && collectEvents ? new EventInbox() : null;
        if (rabbitMq is not null)
        {
            AddBus(builder.Services, rabbitMq, steps, inbox);
        }

        var host = builder.Build();
        if (applySchema)
        {
            await DatabaseSchema.EnsureAsync(host.Services, TestContext.Current.CancellationToken);
        }

        // Starting validates the options, as a worker's start does.
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TaskWorker(host, rabbitMq is not null, inbox);
    }

    /// <summary>
    /// Runs <paramref name="command"/> and returns the step's answer as the saga would receive it: a
    /// <see cref="MaintenanceStepCompleted"/> or a <see cref="MaintenanceStepFailed"/>. Directly, a transient fault is
    /// thrown (the consumer's retries are the bus tests' concern).
    /// </summary>
    public async Task<object> AnswerAsync(RunMaintenanceStep command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_onBus)
        {
            await SendAsync(command.Step, command);
            return await Inbox!.NextAsync(command.RunId);
        }

        await using var scope = Services.CreateAsyncScope();
        var step = (IStepService)scope.ServiceProvider.GetRequiredService(TasksRegistration.StepServices[command.Step]);
        try
        {
            var result = await step.RunAsync(command, StepProgress.None, TestContext.Current.CancellationToken);
            return result.Validation.Passed
                ? StepAnswers.Completed(command, result, 0)
                : StepAnswers.Failed(command, result.Validation.Verdict, retryable: false);
        }
        catch (Exception e) when (StepAnswers.IsUnusableInput(e))
        {
            return StepAnswers.Failed(command, e.Message, retryable: false);
        }
    }

    /// <summary>Sends a task's command to its queue, as the saga does.</summary>
    public async Task SendAsync(MaintenanceStep step, RunMaintenanceStep command)
    {
        var endpoint = await Bus.GetSendEndpoint(new Uri("queue:" + step.QueueName()));
        await endpoint.Send(command, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    private static void AddBus(IServiceCollection services, Uri rabbitMq, IEnumerable<MaintenanceStep> steps, EventInbox? inbox)
    {
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.AddMaintenanceTasks(steps);
            x.UsingRabbitMq((context, bus) =>
            {
                var user = rabbitMq.UserInfo.Split(':', 2);
                bus.Host(rabbitMq.Host, (ushort)rabbitMq.Port, Uri.UnescapeDataString(rabbitMq.AbsolutePath.TrimStart('/')), h =>
                {
                    h.Username(Uri.UnescapeDataString(user[0]));
                    h.Password(Uri.UnescapeDataString(user[1]));
                });
                if (inbox is not null)
                {
                    bus.ReceiveEndpoint("test-events-" + Guid.NewGuid().ToString("N")[..8], e => inbox.Configure(e));
                }

                bus.ConfigureEndpoints(context);
            });
        });

        // Start returns once every endpoint is bound, so no event is published before the inbox listens.
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
    }
}
