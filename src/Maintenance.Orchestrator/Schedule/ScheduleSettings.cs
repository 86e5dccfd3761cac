namespace Maintenance.Orchestrator.Schedule;

/// <summary>
/// <c>Maintenance:Schedule:Enabled</c> (default true): the 03:00 America/New_York cron on trading days.
/// <c>Maintenance:Schedule:CatchUp</c> (default true): at start-up, start the latest due maintenance if its date has no run.
/// A one-shot command (<c>run</c>, <c>backfill</c>) turns both off.
/// </summary>
public sealed record ScheduleSettings(bool Enabled, bool CatchUp)
{
    public static ScheduleSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new ScheduleSettings(
            configuration.GetValue("Maintenance:Schedule:Enabled", true),
            configuration.GetValue("Maintenance:Schedule:CatchUp", true));
    }
}
