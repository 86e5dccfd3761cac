namespace Maintenance.Data.Storage;

/// <summary>
/// One symbol's high, low and close over a run of calendar days, each read row put in its date's place: rows that
/// come in any order leave the dates in order, with no sort.
/// </summary>
internal sealed class DayPrices(DateOnly first, int days)
{
    private readonly DateOnly _first = first;
    private readonly double[] _high = new double[days];
    private readonly double[] _low = new double[days];
    private readonly double[] _close = new double[days];
    private readonly bool[] _present = new bool[days];
    private int _count;

    public void Add(DateOnly date, double high, double low, double close)
    {
        var at = date.DayNumber - _first.DayNumber;
        if ((uint)at >= (uint)_present.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(date), date, $"Outside the days read ({_first:yyyy-MM-dd} and {_present.Length} days on).");
        }

        if (_present[at])
        {
            throw new InvalidDataException($"Two daily bars of one symbol on {date:yyyy-MM-dd}.");
        }

        _high[at] = high;
        _low[at] = low;
        _close[at] = close;
        _present[at] = true;
        _count++;
    }

    /// <summary>The history of <paramref name="symbol"/> from consecutive runs of days, oldest first (null where it has no row).</summary>
    public static DailyPriceHistory Join(string symbol, IEnumerable<DayPrices?> parts)
    {
        var runs = parts.OfType<DayPrices>().ToList();
        var count = runs.Sum(r => r._count);
        var history = new DailyPriceHistory(symbol, new DateOnly[count], new double[count], new double[count], new double[count]);
        var next = 0;
        foreach (var run in runs)
        {
            for (var at = 0; at < run._present.Length; at++)
            {
                if (run._present[at])
                {
                    history.Dates[next] = run._first.AddDays(at);
                    history.High[next] = run._high[at];
                    history.Low[next] = run._low[at];
                    history.Close[next] = run._close[at];
                    next++;
                }
            }
        }

        return history;
    }
}
