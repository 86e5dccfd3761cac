namespace Maintenance.Contracts;

/// <summary>A run has begun: its steps are being sent.</summary>
public sealed record MaintenanceStarted(Guid RunId, DateOnly TargetDate, int Attempt, string RequestedBy, bool Force, DateTimeOffset StartedAt);
