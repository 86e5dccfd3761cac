namespace Maintenance.Contracts;

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
