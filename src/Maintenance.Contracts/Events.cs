namespace Maintenance.Contracts;

/// <summary>A task's own verdict on its output.</summary>
/// <param name="Passed">True when every check held.</param>
/// <param name="Verdict">One line a person reads: what was checked and against which threshold.</param>
public sealed record StepValidation(bool Passed, string Verdict);

/// <summary>What every task completion event carries.</summary>
public interface IStepCompleted
{
    Guid RunId { get; }

    DateOnly TargetDate { get; }

    int Attempt { get; }

    /// <summary>True when the work was already complete and valid and nothing was redone.</summary>
    bool Skipped { get; }

    StepValidation Validation { get; }

    /// <summary>Counts and figures of the task, e.g. <c>rows</c>, <c>tickers</c>, <c>rejected.high_below_open_close</c>.</summary>
    IReadOnlyDictionary<string, double> Metrics { get; }

    double DurationSeconds { get; }
}

public sealed record CachesCleared(Guid RunId, DateOnly TargetDate, int Attempt, bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics, double DurationSeconds) : IStepCompleted;

public sealed record OhlcLoaded(Guid RunId, DateOnly TargetDate, int Attempt, bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics, double DurationSeconds) : IStepCompleted;

public sealed record MissingTickersRecovered(Guid RunId, DateOnly TargetDate, int Attempt, bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics, double DurationSeconds) : IStepCompleted;

public sealed record VolumeSlotsLoaded(Guid RunId, DateOnly TargetDate, int Attempt, bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics, double DurationSeconds) : IStepCompleted;

public sealed record AtrCalculated(Guid RunId, DateOnly TargetDate, int Attempt, bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics, double DurationSeconds) : IStepCompleted;

public sealed record RvolCalculated(Guid RunId, DateOnly TargetDate, int Attempt, bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics, double DurationSeconds) : IStepCompleted;

public sealed record MetadataEnriched(Guid RunId, DateOnly TargetDate, int Attempt, bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics, double DurationSeconds) : IStepCompleted;

public sealed record RedisSynced(Guid RunId, DateOnly TargetDate, int Attempt, bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics, double DurationSeconds) : IStepCompleted;

/// <summary>
/// A task gave up: after its retries (<paramref name="Retryable"/> true: a transient fault outlasted them)
/// or at once on a validation failure or bad input (<paramref name="Retryable"/> false).
/// </summary>
public sealed record MaintenanceStepFailed(Guid RunId, DateOnly TargetDate, int Attempt, MaintenanceStep Step, string Reason, bool Retryable);

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
