using System.Reflection;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Maintenance.Tasks;

/// <summary>How a worker process hosts the tasks.</summary>
public static class TasksRegistration
{
    /// <summary>
    /// The tasks' options (<c>Tasks:*</c>, validated at start) and their services. The data layer and the market-data
    /// source are the host's to add (<c>AddMaintenanceData</c>, <c>AddMarketData</c>); the calendar defaults to
    /// <see cref="TradingCalendar.Nyse"/> unless the host registered one. The Redis documents' serializers are built as
    /// the worker starts (<see cref="DocumentSerializersWarmup"/>).
    /// </summary>
    public static IServiceCollection AddMaintenanceTasks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddOptions<TaskRetryOptions>(services, configuration, TaskRetryOptions.Section, o => o.EffectiveIntervals.Any(i => i < TimeSpan.Zero) ? $"{TaskRetryOptions.Section}:Intervals must not be negative." : null);
        services.TryAddSingleton(TradingCalendar.Nyse);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<DocumentSerializersWarmup>();
        foreach (var service in StepServices.Values)
        {
            Generic(nameof(AddStepServices), service).Invoke(null, [services, configuration]);
        }

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
            Generic(nameof(AddConsumer), StepServices[step]).Invoke(null, [x]);
        }

        return x;
    }

    /// <summary>Every step's service, found in this assembly: a step is its folder, nothing to list here.</summary>
    public static IReadOnlyDictionary<MaintenanceStep, Type> StepServices { get; } = FindStepServices();

    /// <summary>Registers one step's service and the options and helpers it declares; public so a test can add a step of its own.</summary>
    public static void AddStepServices<TStep>(IServiceCollection services, IConfiguration configuration)
        where TStep : class, IStepService
    {
        services.AddScoped<TStep>();
        TStep.AddServices(services, configuration);
    }

    /// <summary>The consumer of one step's queue; public so a test can host a step of its own.</summary>
    public static void AddConsumer<TStep>(IBusRegistrationConfigurator x)
        where TStep : class, IStepService
    {
        ArgumentNullException.ThrowIfNull(x);
        x.AddConsumer<StepConsumer<TStep>, StepConsumerDefinition<StepConsumer<TStep>>>()
            .Endpoint(e =>
            {
                e.Name = TStep.Kind.QueueName();
                // One task at a time per process: the work is heavy and replicas share the queue.
                e.ConcurrentMessageLimit = 1;
                e.PrefetchCount = 1;
            });
    }

    /// <summary>Binds a step's options section and validates it at start with the options' own message.</summary>
    public static void AddOptions<TOptions>(IServiceCollection services, IConfiguration configuration, string section, Func<TOptions, string?> problem)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new ProblemValidation<TOptions>(problem));
    }

    private static Dictionary<MaintenanceStep, Type> FindStepServices()
    {
        var services = typeof(TasksRegistration).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IStepService).IsAssignableFrom(t))
            .ToDictionary(t => (MaintenanceStep)t.GetProperty(nameof(IStepService.Kind), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);
        var missing = MaintenanceSteps.InOrder.Where(s => !services.ContainsKey(s)).ToList();
        return missing.Count == 0
            ? services
            : throw new InvalidOperationException($"No step service does {string.Join(", ", missing.Select(s => s.QueueName()))}: add a class implementing IStepService in its folder.");
    }

    private static MethodInfo Generic(string method, Type step) =>
        typeof(TasksRegistration).GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(step);

    /// <summary>Puts the options' own message (which setting, what is wrong) into the start-up error.</summary>
    private sealed class ProblemValidation<TOptions>(Func<TOptions, string?> problem) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            problem(options) is { } message ? ValidateOptionsResult.Fail(message) : ValidateOptionsResult.Success;
    }
}
