namespace Maintenance.Orchestrator.Api;

/// <param name="NextRun">The next fire time in New York time, with its offset.</param>
/// <param name="TargetDate">The trading day that fire maintains.</param>
public sealed record NextRunView(DateTimeOffset NextRun, DateTimeOffset NextRunUtc, DateOnly TargetDate, string TimeZone, bool ScheduleEnabled);
