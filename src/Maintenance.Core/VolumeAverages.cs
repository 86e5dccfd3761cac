namespace Maintenance.Core;

/// <summary>
/// Volume and price averages over the last sessions up to the target date: the mean volume of the symbol's bars in
/// the last 30, 10 and 5 trading days of the calendar, truncated to an integer (as the Python service did), and the
/// mean close over the 30, rounded to 4 decimals. A session without a bar (no trade, not yet listed) is left out, not
/// counted as zero, so a symbol with fewer days is averaged over the days it has; fewer than
/// <see cref="MinimumDays"/> bars in the 30 sessions give no averages at all (a fresh listing's first days say little).
/// </summary>
public static class VolumeAverages
{
    public const int LongWindow = 30;
    public const int ShortWindow = 10;
    public const int WeekWindow = 5;
    public const int MinimumDays = 5;

    /// <param name="bars">The symbol's daily bars, in any order; bars outside <paramref name="sessions"/> are ignored.</param>
    /// <param name="sessions">The <see cref="LongWindow"/> trading days ending at the target date, oldest first
    /// (fewer when the calendar's history is shorter).</param>
    /// <returns>The averages, or null with fewer than <see cref="MinimumDays"/> bars in the sessions.</returns>
    public static VolumeAverage? Calculate(string symbol, IReadOnlyList<DailyBar> bars, IReadOnlyList<DateOnly> sessions)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0)
        {
            return null;
        }

        var recent = sessions.TakeLast(LongWindow).ToArray();
        var shortFrom = recent[Math.Max(0, recent.Length - ShortWindow)];
        var weekFrom = recent[Math.Max(0, recent.Length - WeekWindow)];
        var inWindow = new HashSet<DateOnly>(recent);
        var used = bars.Where(b => inWindow.Contains(b.Date)).DistinctBy(b => b.Date).ToList();
        if (used.Count < MinimumDays)
        {
            return null;
        }

        return new VolumeAverage(
            symbol,
            MeanVolume(used),
            MeanVolume(used.Where(b => b.Date >= shortFrom).ToList()),
            MeanVolume(used.Where(b => b.Date >= weekFrom).ToList()),
            Math.Round(used.Average(b => b.Close), 4, MidpointRounding.AwayFromZero),
            used.Count);
    }

    /// <summary>Integer mean, truncated; exact for any sum a long holds.</summary>
    private static long? MeanVolume(List<DailyBar> bars) =>
        bars.Count == 0 ? null : (long)(bars.Sum(b => (decimal)b.Volume) / bars.Count);
}
