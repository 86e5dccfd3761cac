namespace Maintenance.Tasks.Common;

/// <summary>
/// The work of one maintenance step, free of the bus: <see cref="StepConsumer{TStep}"/> runs it for each command on
/// the step's queue. A step lives in its own folder; <see cref="TasksRegistration"/> finds it by this interface.
/// </summary>
public interface IStepService
{
    /// <summary>The step this service does.</summary>
    static abstract MaintenanceStep Kind { get; }

    /// <summary>The step's own options and helpers; most steps have none beyond their constructor's.</summary>
    static virtual void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    /// <summary>Does the work for <paramref name="command"/> (or its shard), checks it, and says what it did.</summary>
    Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken);
}
