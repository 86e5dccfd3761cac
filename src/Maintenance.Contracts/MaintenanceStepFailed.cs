namespace Maintenance.Contracts;

/// <summary>
/// A task gave up: after its retries (<paramref name="Retryable"/> true: a transient fault outlasted them)
/// or at once on a validation failure or bad input (<paramref name="Retryable"/> false). The only failure path:
/// a task that cannot answer at all is caught by the step's deadline.
/// </summary>
public sealed record MaintenanceStepFailed(Guid RunId, DateOnly TargetDate, int Attempt, MaintenanceStep Step, string Reason, bool Retryable, int Shard = 0);
