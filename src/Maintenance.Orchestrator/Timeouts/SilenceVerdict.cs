namespace Maintenance.Orchestrator.Timeouts;

/// <summary>What a silence check decided for one step (<see cref="MaintenanceRun.CheckSilence"/>).</summary>
/// <param name="Resend">The shards whose command goes out again now; empty when none.</param>
/// <param name="NextCheckAt">When to look again; null once the step is no longer running or re-sending gave up.</param>
/// <param name="Reason">Why the shards are re-sent, or why re-sending stopped; null when the step is fine.</param>
public sealed record SilenceVerdict(IReadOnlyList<int> Resend, DateTimeOffset? NextCheckAt, string? Reason);
