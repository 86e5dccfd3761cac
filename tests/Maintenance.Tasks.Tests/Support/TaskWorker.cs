using System.Threading.Channels;
using MassTransit;
using Maintenance.Contracts;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Maintenance.Data.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maintenance.Tasks.Tests.Support;

/// <summary>
/// A worker process as the host builds it, for one test: the data layer, the market-data source and the task consumers
/// on a RabbitMQ virtual host, plus (when it has an inbox) an endpoint that collects the tasks' events.
/// </summary>
public sealed class TaskWorker : IAsyncDisposable
{
    private readonly IHost _host;

    private TaskWorker(IHost host, EventInbox? inbox)
    {
        _host = host;
        Inbox = inbox;
    }

    public EventInbox? Inbox { get; }

    public IServiceProvider Services => _host.Services;

    public IBus Bus => _host.Services.GetRequiredService<IBus>();

    public static async Task<TaskWorker> StartAsync(
        Uri rabbitMq,
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
        var inbox = collectEvents ? new EventInbox() : null;
        builder.Services.AddMassTransit(x =>
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
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        if (applySchema)
        {
            await DatabaseSchema.EnsureAsync(host.Services, TestContext.Current.CancellationToken);
        }

        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TaskWorker(host, inbox);
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
}

/// <summary>The events the tasks published, in arrival order.</summary>
public sealed class EventInbox
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();
    private readonly List<object> _seen = [];

    public void Configure(IReceiveEndpointConfigurator e)
    {
        Add<MaintenanceStepCompleted>(e);
        Add<MaintenanceStepFailed>(e);
    }

    private void Add<T>(IReceiveEndpointConfigurator e)
        where T : class =>
        e.Handler<T>(context => _events.Writer.WriteAsync(context.Message).AsTask());

    /// <summary>The next answer about <paramref name="runId"/>: the completion event, or the failure (returned as such).</summary>
    /// <remarks>Answers about other runs are kept for their own callers.</remarks>
    public async Task<object> NextAsync(Guid runId, TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(60);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(wait);
        while (true)
        {
            lock (_seen)
            {
                var index = _seen.FindIndex(e => RunOf(e) == runId);
                if (index >= 0)
                {
                    var found = _seen[index];
                    _seen.RemoveAt(index);
                    return found;
                }
            }

            try
            {
                var next = await _events.Reader.ReadAsync(cts.Token);
                lock (_seen)
                {
                    _seen.Add(next);
                }
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No event for run {runId} within {wait.TotalSeconds} s; others seen: {string.Join(", ", _seen)}");
            }
        }
    }

    private static Guid RunOf(object message) => message switch
    {
        MaintenanceStepCompleted done => done.RunId,
        MaintenanceStepFailed failed => failed.RunId,
        _ => Guid.Empty,
    };

    /// <summary>The completion event of <paramref name="runId"/>; a failure event fails the test with its reason.</summary>
    public async Task<MaintenanceStepCompleted> CompletedAsync(Guid runId, TimeSpan? timeout = null)
    {
        var next = await NextAsync(runId, timeout);
        return next switch
        {
            MaintenanceStepCompleted done => done,
            MaintenanceStepFailed failed => throw new Xunit.Sdk.XunitException($"{failed.Step} failed (retryable {failed.Retryable}): {failed.Reason}"),
            _ => throw new Xunit.Sdk.XunitException($"Expected MaintenanceStepCompleted, got {next}"),
        };
    }

    /// <summary>The failure event of <paramref name="runId"/>; a completion fails the test.</summary>
    public async Task<MaintenanceStepFailed> FailedAsync(Guid runId, TimeSpan? timeout = null)
    {
        var next = await NextAsync(runId, timeout);
        return next as MaintenanceStepFailed ?? throw new Xunit.Sdk.XunitException($"Expected MaintenanceStepFailed, got {next}");
    }
}

/// <summary>Logs into the test's output, so a failing test shows what the task said.</summary>
public sealed class TestOutputLogger(ITestOutputHelper output) : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }

    public void Dispose()
    {
    }
}
