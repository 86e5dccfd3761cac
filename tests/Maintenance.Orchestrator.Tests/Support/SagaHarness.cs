using MassTransit;
using MassTransit.Testing;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Status;
using Maintenance.Orchestrator.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Maintenance.Orchestrator.Tests.Support;

/// <summary>
/// The state machine on MassTransit's in-memory test harness with an in-memory saga repository, and every step's
/// queue answered by <see cref="ScriptedTask"/>: no servers, no files.
/// </summary>
public sealed class SagaHarness : IAsyncDisposable
{
    /// <summary>The trading day every harness test runs.</summary>
    public static readonly DateOnly Date = new(2025, 12, 2);

    /// <summary>The run of <see cref="Date"/>.</summary>
    public static readonly Guid RunId = RunIds.ForDate(Date);

    private readonly ServiceProvider _provider;

    private SagaHarness(ServiceProvider provider)
    {
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<MaintenanceStateMachine, MaintenanceRun>();
    }

    public ITestHarness Harness { get; }

    public ISagaStateMachineTestHarness<MaintenanceStateMachine, MaintenanceRun> Saga { get; }

    /// <summary>
    /// Started; with a <paramref name="silence"/> window the Quartz scheduler too, so the saga's silence checks fire
    /// (without one the default window is kept and nothing scheduled ever runs). On the <paramref name="productionEndpoint"/>
    /// (the retries and in-memory outbox of <see cref="MaintenanceSagaDefinition"/>) sends leave after the saga's
    /// changes are kept; without it they leave as the saga makes them, so a test sees them no later than the state.
    /// <paramref name="shards"/> is how many parts each divisible step is sent in. <paramref name="send"/> is added to
    /// the bus's send pipe, to make sends fail. <paramref name="stepsAtOnce"/> limits the steps running at a time.
    /// </summary>
    public static async Task<SagaHarness> StartAsync(TaskScript script, StepSilence? silence = null, bool productionEndpoint = false, int shards = 1, Action<ISendPipeConfigurator>? send = null, int? stepsAtOnce = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Maintenance.Core.TradingCalendar.Nyse);
        services.AddSingleton(new StepTimeouts(TimeSpan.FromMinutes(10)));
        services.AddSingleton(new StepSharding(shards));
        services.AddSingleton(new StepsAtOnce(stepsAtOnce));
        services.AddSingleton(silence ?? StepSilence.Default);
        services.AddSingleton<StepDeadlines>();
        services.AddSingleton<RunStatusBoard>();
        services.AddQuartz(q => q.UseInMemoryStore());
        services.AddSingleton(script);
        services.AddMassTransitTestHarness(x =>
        {
            if (productionEndpoint)
            {
                x.AddSagaStateMachine<MaintenanceStateMachine, MaintenanceRun, MaintenanceSagaDefinition>().InMemoryRepository();
            }
            else
            {
                x.AddSagaStateMachine<MaintenanceStateMachine, MaintenanceRun>().InMemoryRepository();
            }

            x.UsingInMemory((context, bus) =>
            {
                if (send is not null)
                {
                    bus.ConfigureSend(send);
                }

                foreach (var step in MaintenanceSteps.InOrder)
                {
                    bus.ReceiveEndpoint(step.QueueName(), e => e.Consumer(() => new ScriptedTask(script)));
                }

                bus.ConfigureEndpoints(context);
            });
        });
        var harness = new SagaHarness(services.BuildServiceProvider(true));
        await harness.Harness.Start();
        if (silence is not null)
        {
            var scheduler = await harness._provider.GetRequiredService<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);
            await scheduler.Start(TestContext.Current.CancellationToken);
        }

        return harness;
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
