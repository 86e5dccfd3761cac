namespace Maintenance.Contracts;

/// <summary>The outcome of one step in a finished run.</summary>
public sealed record StepOutcome(
    MaintenanceStep Step,
    StepStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error,
    IReadOnlyDictionary<string, double>? Metrics);
