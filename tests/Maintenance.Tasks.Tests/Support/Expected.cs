namespace Maintenance.Tasks.Tests.Support;

/// <summary>
/// The tasks' results computed straight from docs/DESIGN.md's definitions over the flat files, with loops a reader can
/// check by hand — deliberately not through the production code.
/// </summary>
public static class Expected
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>A daily bar is kept when its prices are positive and high/low enclose open and close.</summary>
    public static bool IsValidDailyBar(AggregateRow r) =>
        r.Open > 0 && r.High > 0 && r.Low > 0 && r.Close > 0 && r.Volume >= 0
        && r.High >= Math.Max(r.Open, r.Close) && r.Low <= Math.Min(r.Open, r.Close);

    /// <summary>
    /// Wilder's ATR over bars oldest first: TR from the second bar on; seed = mean of the first <paramref name="period"/>
    /// TRs; then atr = (atr * (period - 1) + tr) / period. Null when there are fewer than period + 1 bars.
    /// </summary>
    public static double? WilderAtr(IReadOnlyList<AggregateRow> bars, int period)
    {
        if (bars.Count < period + 1)
        {
            return null;
        }

        var trueRanges = new List<double>();
        for (var i = 1; i < bars.Count; i++)
        {
            var previousClose = bars[i - 1].Close;
            var high = bars[i].High;
            var low = bars[i].Low;
            trueRanges.Add(Math.Max(high - low, Math.Max(Math.Abs(high - previousClose), Math.Abs(low - previousClose))));
        }

        var atr = trueRanges.Take(period).Average();
        foreach (var tr in trueRanges.Skip(period))
        {
            atr = ((atr * (period - 1)) + tr) / period;
        }

        return atr;
    }

    /// <summary>The slot of a minute bar: whole five-minute steps since 04:00 New York local time that day; null outside 04:00-20:00.</summary>
    public static int? SlotOf(long windowStartNs, DateOnly day)
    {
        var utc = DateTimeOffset.FromUnixTimeMilliseconds(windowStartNs / 1_000_000);
        var local = TimeZoneInfo.ConvertTime(utc, NewYork);
        if (DateOnly.FromDateTime(local.DateTime) != day)
        {
            return null;
        }

        var minutes = (local.Hour * 60) + local.Minute - (4 * 60);
        return minutes is >= 0 and < 16 * 60 ? minutes / 5 : null;
    }

    /// <summary>One slot row: the slot's volume and trades, and the day's volume up to the slot's end.</summary>
    public sealed record SlotRow(int Slot, long Volume, long AccumulatedVolume, int Trades);

    /// <summary>A day's minute rows to slot rows per symbol (only slots that hold a bar).</summary>
    public static Dictionary<string, List<SlotRow>> Slots(IEnumerable<AggregateRow> minuteRows, DateOnly day)
    {
        var result = new Dictionary<string, List<SlotRow>>(StringComparer.Ordinal);
        foreach (var ticker in minuteRows.GroupBy(r => r.Ticker))
        {
            var volume = new long[192];
            var trades = new int[192];
            var present = new bool[192];
            foreach (var row in ticker)
            {
                if (SlotOf(row.WindowStartNs, day) is { } slot)
                {
                    volume[slot] += row.Volume;
                    trades[slot] += row.Transactions;
                    present[slot] = true;
                }
            }

            var rows = new List<SlotRow>();
            long accumulated = 0;
            for (var slot = 0; slot < 192; slot++)
            {
                accumulated += volume[slot];
                if (present[slot])
                {
                    rows.Add(new SlotRow(slot, volume[slot], accumulated, trades[slot]));
                }
            }

            if (rows.Count > 0)
            {
                result[ticker.Key] = rows;
            }
        }

        return result;
    }

    /// <summary>
    /// RVOL averages of one symbol: its <paramref name="lookback"/> most recent days with slot rows (oldest-first input),
    /// each day's accumulated volume forward-filled over the 192 slots (0 before the first traded slot), averaged per
    /// slot, truncated; only slots above zero.
    /// </summary>
    public static Dictionary<int, long> RvolAverages(IReadOnlyList<List<SlotRow>> daysOldestFirst, int lookback)
    {
        var days = daysOldestFirst.Where(d => d.Count > 0).Reverse().Take(lookback).ToList();
        var sums = new long[192];
        foreach (var day in days)
        {
            var bySlot = day.ToDictionary(r => r.Slot, r => r.AccumulatedVolume);
            long last = 0;
            for (var slot = 0; slot < 192; slot++)
            {
                if (bySlot.TryGetValue(slot, out var value))
                {
                    last = value;
                }

                sums[slot] += last;
            }
        }

        var averages = new Dictionary<int, long>();
        for (var slot = 0; slot < 192 && days.Count > 0; slot++)
        {
            var average = sums[slot] / days.Count;
            if (average > 0)
            {
                averages[slot] = average;
            }
        }

        return averages;
    }
}
