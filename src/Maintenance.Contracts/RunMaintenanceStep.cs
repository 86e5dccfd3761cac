namespace Maintenance.Contracts;

/// <summary>
/// Asks a step's task to do its work for a run: sent to the step's own queue (<see cref="MaintenanceSteps.QueueName"/>).
/// A step that divides its work is sent as <paramref name="ShardCount"/> commands, one per <paramref name="Shard"/>,
/// which the task's replicas share.
/// </summary>
/// <param name="RunId">The saga instance (one per target date).</param>
/// <param name="Attempt">The run's attempt number; answers from an older attempt are ignored by the saga.</param>
/// <param name="Force">Redo work that is already complete and valid.</param>
/// <param name="ForceClearCaches">Clear the real-time caches even while a market session is in progress.</param>
/// <param name="Shard">This command's part of the work, 0 to <paramref name="ShardCount"/> - 1.</param>
/// <param name="Expected">Figures of the steps this one checks, by <c>step.metric</c> (the notification verifies the run's output against them).</param>
public sealed record RunMaintenanceStep(
    Guid RunId,
    DateOnly TargetDate,
    int Attempt,
    MaintenanceStep Step,
    bool Force = false,
    bool ForceClearCaches = false,
    int Shard = 0,
    int ShardCount = 1,
    IReadOnlyDictionary<string, double>? Expected = null);
