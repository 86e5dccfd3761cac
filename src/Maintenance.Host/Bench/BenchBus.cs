using System.Collections.Concurrent;
using System.Diagnostics;
using Maintenance.Contracts;
using Maintenance.Host.Running;
using MassTransit;

namespace Maintenance.Host.Bench;

/// <summary>What a task's own completion event said: whether it skipped work that was already done, and its own timing.</summary>
public sealed record StepCompletion(bool Skipped, bool Passed, string Verdict, double DurationSeconds);

/// <summary>The task completion events seen on the bus, by run attempt and step.</summary>
public sealed class StepCompletions
{
    private readonly ConcurrentDictionary<(Guid RunId, int Attempt, MaintenanceStep Step), StepCompletion> _seen = new();

    public void Add(IStepCompleted completed, MaintenanceStep step)
    {
        ArgumentNullException.ThrowIfNull(completed);
        _seen[(completed.RunId, completed.Attempt, step)] = new StepCompletion(completed.Skipped, completed.Validation.Passed, completed.Validation.Verdict, completed.DurationSeconds);
    }

    public StepCompletion? Find(Guid runId, int attempt, MaintenanceStep step) => _seen.GetValueOrDefault((runId, attempt, step));
}

/// <summary>Hears one kind of task completion event (the contracts give each task its own event type).</summary>
public sealed class StepCompletionWatcher<TEvent>(StepCompletions completions) : IConsumer<TEvent>
    where TEvent : class, IStepCompleted
{
    public Task Consume(ConsumeContext<TEvent> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        completions.Add(context.Message, StepOf);
        return Task.CompletedTask;
    }

    private static MaintenanceStep StepOf => typeof(TEvent).Name switch
    {
        nameof(CachesCleared) => MaintenanceStep.ClearCaches,
        nameof(OhlcLoaded) => MaintenanceStep.LoadOhlc,
        nameof(MissingTickersRecovered) => MaintenanceStep.RecoverMissingTickers,
        nameof(VolumeSlotsLoaded) => MaintenanceStep.LoadVolumeSlots,
        nameof(AtrCalculated) => MaintenanceStep.CalculateAtr,
        nameof(RvolCalculated) => MaintenanceStep.CalculateRvol,
        nameof(MetadataEnriched) => MaintenanceStep.EnrichMetadata,
        nameof(RedisSynced) => MaintenanceStep.SyncRedis,
        _ => throw new InvalidOperationException($"{typeof(TEvent).Name} is not a task completion event."),
    };
}

/// <summary>One finished maintenance as the bench saw it: the saga's final event and the time from publish to it.</summary>
public sealed record MeasuredRun(RunOutcome Outcome, TimeSpan EndToEnd, IReadOnlyDictionary<MaintenanceStep, StepCompletion> Completions);

/// <summary>
/// The bench's own bus on the bench's virtual host, like the run command's watcher: it publishes
/// <c>StartMaintenance</c> and hears <c>MaintenanceCompleted</c>/<c>MaintenanceFailed</c> and every task's completion event
/// on temporary queues. It does no work itself.
/// </summary>
public sealed class BenchBus : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchBus(IHost host) => _host = host;

    public static async Task<BenchBus> StartAsync(string rabbitMq, CancellationToken ct)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        // A console-provider rule outranks appsettings.json's per-category levels: only warnings reach the bench's table output.
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(category: null, LogLevel.Warning);
        builder.Configuration["ConnectionStrings:RabbitMq"] = rabbitMq;
        builder.Services.AddSingleton<RunOutcomes>();
        builder.Services.AddSingleton<StepCompletions>();
        builder.Services.AddMaintenanceBus(builder.Configuration, x =>
        {
            x.AddRunWatcher();
            Watch<CachesCleared>(x);
            Watch<OhlcLoaded>(x);
            Watch<MissingTickersRecovered>(x);
            Watch<VolumeSlotsLoaded>(x);
            Watch<AtrCalculated>(x);
            Watch<RvolCalculated>(x);
            Watch<MetadataEnriched>(x);
            Watch<RedisSynced>(x);
        });
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync(ct);
        return new BenchBus(host);
    }

    /// <summary>Publishes StartMaintenance and waits for the run's final event; the clock runs from just before the publish.</summary>
    /// <exception cref="TimeoutException">No final event within <paramref name="timeout"/>.</exception>
    public async Task<MeasuredRun> RunAsync(DateOnly date, TimeSpan timeout, CancellationToken ct)
    {
        var outcomes = _host.Services.GetRequiredService<RunOutcomes>();
        var completions = _host.Services.GetRequiredService<StepCompletions>();
        var bus = _host.Services.GetRequiredService<IBus>();
        var runId = RunIds.ForDate(date);
        var finished = outcomes.WaitAsync(runId);
        RunOutcome outcome;
        TimeSpan endToEnd;
        try
        {
            var clock = Stopwatch.StartNew();
            await bus.Publish(new StartMaintenance(date, "bench"), ct);
            try
            {
                outcome = await finished.WaitAsync(timeout, ct);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The maintenance of {date:yyyy-MM-dd} did not finish within {timeout.TotalMinutes:F0} minutes (--timeout).");
            }

            endToEnd = clock.Elapsed;
        }
        finally
        {
            outcomes.Forget(runId);
        }

        return new MeasuredRun(outcome, endToEnd, await CompletionsAsync(completions, outcome, ct));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    private static void Watch<TEvent>(IBusRegistrationConfigurator x)
        where TEvent : class, IStepCompleted =>
        x.AddConsumer<StepCompletionWatcher<TEvent>>().Endpoint(e => e.Temporary = true);

    /// <summary>
    /// The completion events of the run's successful steps. They travel on other queues than the saga's final event,
    /// so the last may arrive a moment after it.
    /// </summary>
    private static async Task<Dictionary<MaintenanceStep, StepCompletion>> CompletionsAsync(StepCompletions completions, RunOutcome outcome, CancellationToken ct)
    {
        var wanted = outcome.Steps.Where(s => s.Status == StepStatus.Success).Select(s => s.Step).ToList();
        var found = new Dictionary<MaintenanceStep, StepCompletion>();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            foreach (var step in wanted)
            {
                if (completions.Find(outcome.RunId, outcome.Attempt, step) is { } completion)
                {
                    found[step] = completion;
                }
            }

            if (found.Count == wanted.Count || waited.Elapsed > TimeSpan.FromSeconds(5))
            {
                return found;
            }

            await Task.Delay(50, ct);
        }
    }
}
