namespace Maintenance.Contracts;

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
