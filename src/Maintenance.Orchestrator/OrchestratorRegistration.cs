using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Orchestrator.Persistence;
using Maintenance.Orchestrator.Schedule;
using Maintenance.Orchestrator.Status;
using Maintenance.Orchestrator.Timeouts;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;
using StackExchange.Redis;

namespace Maintenance.Orchestrator;

/// <summary>What a host calls to run the orchestrator: services, the saga on the bus, and the saga tables.</summary>
public static class OrchestratorRegistration
{
    public const string SagaEndpointName = "maintenance-saga";

    /// <summary>
    /// The saga store (PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, else SQLite at
    /// <c>Storage:SqlitePath</c>), the Quartz scheduler (daily cron, step deadlines), the Redis status board, the
    /// start-up catch-up and deadline restore. Uses the host's <see cref="IConnectionMultiplexer"/> if it registered one,
    /// else connects to <c>ConnectionStrings:Redis</c>; uses a registered <see cref="TradingCalendar"/> and
    /// <see cref="TimeProvider"/>, else NYSE and the system clock.
    /// </summary>
    public static IServiceCollection AddMaintenanceOrchestrator(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var schedule = ScheduleSettings.From(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(TradingCalendar.Nyse);
        services.AddSingleton(StepTimeouts.FromConfiguration(configuration));
        services.AddSingleton(StepSilence.FromConfiguration(configuration));
        services.AddSingleton(StepSharding.FromConfiguration(configuration));
        services.AddSingleton(StepsAtOnce.FromConfiguration(configuration));
        services.AddSingleton(schedule);
        var database = services.AddMaintenanceStorage(configuration);
        services.AddDbContext<SagaDbContext>(o => database.Configure(o, SagaDbContext.MigrationsHistoryTable));
        services.AddSingleton<StepDeadlines>();
        services.AddSingleton<RunStatusBoard>();
        services.AddScoped<ScheduledMaintenance>();

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.InstanceName = "maintenance-orchestrator");
            q.UseInMemoryStore();
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        services.AddHostedService<StepDeadlineRestorer>();
        if (schedule.Enabled)
        {
            services.AddHostedService<DailySchedule>();
            if (schedule.CatchUp)
            {
                services.AddHostedService<MissedRunCatchUp>();
            }
        }

        return services;
    }

    /// <summary>The maintenance saga on its own endpoint <c>maintenance-saga</c>, persisted by our EF Core repository.</summary>
    public static IBusRegistrationConfigurator AddMaintenanceSaga(this IBusRegistrationConfigurator x)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.AddSagaStateMachine<MaintenanceStateMachine, MaintenanceRun, MaintenanceSagaDefinition>()
            .Repository(r => r.RegisterSagaRepository<MaintenanceRun, SagaDbContext, SagaConsumeContextFactory<SagaDbContext, MaintenanceRun>, MaintenanceRunSagaRepository>());
        return x;
    }

    /// <summary>Creates or migrates the saga tables; call once before the host starts.</summary>
    public static async Task EnsureSagaSchemaAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await SagaDatabase.EnsureSchemaAsync(scope.ServiceProvider.GetRequiredService<SagaDbContext>(), ct);
    }
}
