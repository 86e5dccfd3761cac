namespace Maintenance.Contracts;

/// <summary>The run could not produce usable data (every step failed or was skipped).</summary>
public sealed record MaintenanceFailed(
    Guid RunId,
    DateOnly TargetDate,
    int Attempt,
    string Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset FailedAt,
    StepOutcome[] Steps);
