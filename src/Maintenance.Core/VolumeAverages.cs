namespace Maintenance.Core;

/// <summary>What the averages take of a daily bar: its volume and its close.</summary>
public readonly record struct VolumeAndClose(long Volume, double Close);

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

    /// <param name="bars">The symbol's daily bars, in any order (the first bar of a date counts); bars outside
    /// <paramref name="sessions"/> are ignored.</param>
    /// <param name="sessions">The <see cref="LongWindow"/> trading days ending at the target date, oldest first
    /// (fewer when the calendar's history is shorter).</param>
    /// <returns>The averages, or null with fewer than <see cref="MinimumDays"/> bars in the sessions.</returns>
    public static VolumeAverage? Calculate(string symbol, IReadOnlyList<DailyBar> bars, IReadOnlyList<DateOnly> sessions)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(sessions);
        var recent = sessions.TakeLast(LongWindow).ToArray();
        var bySession = new VolumeAndClose?[recent.Length];
        foreach (var bar in bars)
        {
            var session = Array.IndexOf(recent, bar.Date);
            if (session >= 0 && bySession[session] is null)
            {
                bySession[session] = new VolumeAndClose(bar.Volume, bar.Close);
            }
        }

        return FromSessions(symbol, bySession);
    }

    /// <summary>
    /// The averages of one symbol from its bars laid out by session: element i is the bar of the i-th of the last
    /// sessions up to the target, oldest first, or null where it has none. Only the last <see cref="LongWindow"/> count.
    /// The closes are added oldest first, so the same bars give the same rounding whatever order they were read in.
    /// </summary>
    /// <returns>The averages, or null with fewer than <see cref="MinimumDays"/> bars.</returns>
    public static VolumeAverage? FromSessions(string symbol, ReadOnlySpan<VolumeAndClose?> bySession)
    {
        if (bySession.Length > LongWindow)
        {
            bySession = bySession[^LongWindow..];
        }

        var shortFrom = Math.Max(0, bySession.Length - ShortWindow);
        var weekFrom = Math.Max(0, bySession.Length - WeekWindow);
        var days = 0;
        var (shortDays, weekDays) = (0, 0);
        decimal volume = 0, shortVolume = 0, weekVolume = 0;
        double closes = 0;
        for (var i = 0; i < bySession.Length; i++)
        {
            if (bySession[i] is not { } bar)
            {
                continue;
            }

            // The first close starts the sum as it is (0 + -0.0 would be +0.0).
            closes = days == 0 ? bar.Close : closes + bar.Close;
            days++;
            volume += bar.Volume;
            if (i >= shortFrom)
            {
                shortDays++;
                shortVolume += bar.Volume;
            }

            if (i >= weekFrom)
            {
                weekDays++;
                weekVolume += bar.Volume;
            }
        }

        if (days < MinimumDays)
        {
            return null;
        }

        return new VolumeAverage(
            symbol,
            MeanVolume(volume, days),
            MeanVolume(shortVolume, shortDays),
            MeanVolume(weekVolume, weekDays),
            Math.Round(closes / days, 4, MidpointRounding.AwayFromZero),
            days);
    }

    /// <summary>Integer mean, truncated; exact for any sum a long holds.</summary>
    private static long? MeanVolume(decimal sum, int days) => days == 0 ? null : (long)(sum / days);
}
