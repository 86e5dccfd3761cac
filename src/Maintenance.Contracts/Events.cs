namespace Maintenance.Contracts;

/// <summary>A task's own verdict on its output.</summary>
/// <param name="Passed">True when every check held.</param>
/// <param name="Verdict">One line a person reads: what was checked and against which threshold.</param>
public sealed record StepValidation(bool Passed, string Verdict);

/// <summary>A step (or one shard of it) has done its work for a run and checked it.</summary>
/// <param name="Skipped">The work was already complete and valid and nothing was redone.</param>
/// <param name="Metrics">Counts and figures of the task, e.g. <c>rows</c>, <c>tickers</c>, <c>rejected.high_below_open_close</c>.</param>
public sealed record MaintenanceStepCompleted(
    Guid RunId,
    DateOnly TargetDate,
    int Attempt,
    MaintenanceStep Step,
    int Shard,
    int ShardCount,
    bool Skipped,
    StepValidation Validation,
    IReadOnlyDictionary<string, double> Metrics,
    double DurationSeconds);

/// <summary>
/// A task gave up: after its retries (<paramref name="Retryable"/> true: a transient fault outlasted them)
/// or at once on a validation failure or bad input (<paramref name="Retryable"/> false). The only failure path:
/// a task that cannot answer at all is caught by the step's deadline.
/// </summary>
public sealed record MaintenanceStepFailed(Guid RunId, DateOnly TargetDate, int Attempt, MaintenanceStep Step, string Reason, bool Retryable, int Shard = 0);

/// <summary>How far a running step (or shard) has come, in its own unit (<c>days</c>, <c>rows</c>, <c>tickers</c>); sent at most once a second.</summary>
public sealed record MaintenanceStepProgress(Guid RunId, DateOnly TargetDate, int Attempt, MaintenanceStep Step, int Shard, long Done, long Total, string Unit);

/// <summary>
/// A start the saga refused (not a trading day, before the calendar, or no complete data yet): nothing ran and no run
/// was made. <paramref name="Reason"/> is the sentence POST /trigger would answer, e.g. "2025-11-30 is not a trading day (Sunday)".
/// </summary>
public sealed record MaintenanceRejected(Guid RunId, DateOnly TargetDate, string RequestedBy, string Reason, DateTimeOffset RejectedAt);

public sealed record MaintenanceStarted(Guid RunId, DateOnly TargetDate, int Attempt, string RequestedBy, bool Force, DateTimeOffset StartedAt);

/// <summary>The outcome of one step in a finished run.</summary>
public sealed record StepOutcome(
    MaintenanceStep Step,
    StepStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error,
    IReadOnlyDictionary<string, double>? Metrics);

/// <summary>
/// The run has finished and the scanners may read the day's data. <paramref name="Succeeded"/> is false when a
/// step failed or was skipped because of a failure (CompletedWithErrors).
/// </summary>
public sealed record MaintenanceCompleted(
    Guid RunId,
    DateOnly TargetDate,
    int Attempt,
    bool Succeeded,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    StepOutcome[] Steps);

/// <summary>The run could not produce usable data (every step failed or was skipped).</summary>
public sealed record MaintenanceFailed(
    Guid RunId,
    DateOnly TargetDate,
    int Attempt,
    string Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset FailedAt,
    StepOutcome[] Steps);
