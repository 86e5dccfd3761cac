namespace Maintenance.Contracts;

/// <summary>
/// A start the saga refused (not a trading day, before the calendar, or no complete data yet): nothing ran and no run
/// was made. <paramref name="Reason"/> is the sentence POST /trigger would answer, e.g. "2025-11-30 is not a trading day (Sunday)".
/// </summary>
public sealed record MaintenanceRejected(Guid RunId, DateOnly TargetDate, string RequestedBy, string Reason, DateTimeOffset RejectedAt);
