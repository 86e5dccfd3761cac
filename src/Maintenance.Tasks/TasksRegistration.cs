using MassTransit;
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Tasks.CalculateAtr;
using Maintenance.Tasks.CalculateRvol;
using Maintenance.Tasks.ClearCaches;
using Maintenance.Tasks.Common;
using Maintenance.Tasks.EnrichMetadata;
using Maintenance.Tasks.LoadOhlc;
using Maintenance.Tasks.LoadVolumeSlots;
using Maintenance.Tasks.RecoverMissingTickers;
using Maintenance.Tasks.SyncRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Maintenance.Tasks;

/// <summary>How a worker process hosts the tasks.</summary>
public static class TasksRegistration
{
    /// <summary>
    /// The tasks' options (<c>Tasks:*</c>, validated at start) and their services. The data layer and the market-data
    /// source are the host's to add (<c>AddMaintenanceData</c>, <c>AddMarketData</c>); the calendar defaults to
    /// <see cref="TradingCalendar.Nyse"/> unless the host registered one.
    /// </summary>
    public static IServiceCollection AddMaintenanceTasks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddOptions<TaskRetryOptions>(services, configuration, TaskRetryOptions.Section, o => o.EffectiveIntervals.Any(i => i < TimeSpan.Zero) ? $"{TaskRetryOptions.Section}:Intervals must not be negative." : null);
        AddOptions<ClearCachesOptions>(services, configuration, ClearCachesOptions.Section, o => o.Problem());
        AddOptions<LoadOhlcOptions>(services, configuration, LoadOhlcOptions.Section, o => o.Problem());
        AddOptions<RecoverMissingTickersOptions>(services, configuration, RecoverMissingTickersOptions.Section, o => o.Problem());
        AddOptions<LoadVolumeSlotsOptions>(services, configuration, LoadVolumeSlotsOptions.Section, o => o.Problem());
        AddOptions<AtrOptions>(services, configuration, AtrOptions.Section, o => o.Problem());
        AddOptions<RvolOptions>(services, configuration, RvolOptions.Section, o => o.Problem());
        AddOptions<EnrichMetadataOptions>(services, configuration, EnrichMetadataOptions.Section, o => o.Problem());

        services.TryAddSingleton(TradingCalendar.Nyse);
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<DailyBarsLoader>();
        services.AddScoped<VolumeSlotsLoader>();
        return services;
    }

    /// <summary>
    /// The consumers of <paramref name="steps"/>, each on its own queue (<see cref="MaintenanceSteps.QueueName"/>:
    /// <c>load-ohlc</c>, ...), one message at a time per process (replicas compete), transient faults retried in-process
    /// at <c>Tasks:Retry:Intervals</c>. Requires <see cref="AddMaintenanceTasks(IServiceCollection, IConfiguration)"/>.
    /// </summary>
    public static IBusRegistrationConfigurator AddMaintenanceTasks(this IBusRegistrationConfigurator x, IEnumerable<MaintenanceStep> steps)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps.Distinct())
        {
            switch (step)
            {
                case MaintenanceStep.ClearCaches: AddStep<ClearCachesConsumer>(x, step); break;
                case MaintenanceStep.LoadOhlc: AddStep<LoadOhlcConsumer>(x, step); break;
                case MaintenanceStep.RecoverMissingTickers: AddStep<RecoverMissingTickersConsumer>(x, step); break;
                case MaintenanceStep.LoadVolumeSlots: AddStep<LoadVolumeSlotsConsumer>(x, step); break;
                case MaintenanceStep.CalculateAtr: AddStep<CalculateAtrConsumer>(x, step); break;
                case MaintenanceStep.CalculateRvol: AddStep<CalculateRvolConsumer>(x, step); break;
                case MaintenanceStep.EnrichMetadata: AddStep<EnrichMetadataConsumer>(x, step); break;
                case MaintenanceStep.SyncRedis: AddStep<SyncRedisConsumer>(x, step); break;
                default: throw new ArgumentOutOfRangeException(nameof(steps), step, "Unknown maintenance step.");
            }
        }

        return x;
    }

    private static void AddStep<TConsumer>(IBusRegistrationConfigurator x, MaintenanceStep step)
        where TConsumer : class, IConsumer =>
        x.AddConsumer<TConsumer, StepConsumerDefinition<TConsumer>>()
            .Endpoint(e =>
            {
                e.Name = step.QueueName();
                // One task at a time per process: the work is heavy and replicas share the queue.
                e.ConcurrentMessageLimit = 1;
                e.PrefetchCount = 1;
            });

    private static void AddOptions<TOptions>(IServiceCollection services, IConfiguration configuration, string section, Func<TOptions, string?> problem)
        where TOptions : class
    {
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new ProblemValidation<TOptions>(problem));
    }

    /// <summary>Puts the options' own message (which setting, what is wrong) into the start-up error.</summary>
    private sealed class ProblemValidation<TOptions>(Func<TOptions, string?> problem) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            problem(options) is { } message ? ValidateOptionsResult.Fail(message) : ValidateOptionsResult.Success;
    }
}

/// <summary>The endpoint pipeline of a task's consumer: in-process retries of transient faults.</summary>
public sealed class StepConsumerDefinition<TConsumer>(IOptions<TaskRetryOptions> retry) : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(retry.Value.EffectiveIntervals);
            // Shutting down is not a fault to retry.
            r.Ignore<OperationCanceledException>();
        });
    }
}
