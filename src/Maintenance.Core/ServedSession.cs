namespace Maintenance.Core;

/// <summary>
/// Which trading session the caches serve. The 03:00 run maintains the previous trading day (the target), and what it
/// computes serves the next session: the first trading day after the target. That is the date the scanners compare
/// with their "last trading day" (the run day for the scheduled run), and it depends only on the target, so a re-run
/// writes the same date.
/// </summary>
public static class ServedSession
{
    /// <summary>The session that values computed at <paramref name="target"/>'s close serve.</summary>
    public static DateOnly For(TradingCalendar calendar, DateOnly target)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.NextTradingDay(target);
    }

    /// <summary>
    /// Never back to an older session: values for <paramref name="candidate"/> may replace what serves
    /// <paramref name="current"/> (null: nothing yet) only when they are for the same session or a later one. A re-run
    /// of the latest date rewrites; a backfill of an older date leaves the caches alone.
    /// </summary>
    public static bool MayReplace(DateOnly? current, DateOnly candidate) => current is null || candidate >= current.Value;
}
