namespace Maintenance.MarketData.Sample;

/// <summary>
/// Each sample ticker's end-of-day price: a mean-reverting random walk of the log price
/// (Ornstein-Uhlenbeck: long-run deviation about ±0.4·σ·√250) over the weekdays counted from a fixed
/// <see cref="Epoch"/>, one step per weekday drawn from a hash of (seed, ticker, day). A day's price
/// therefore depends only on the seed, the ticker and the date, whatever range is generated.
/// </summary>
internal static class SamplePrices
{
    /// <summary>The day every walk starts from, at the ticker's <see cref="SampleTicker.StartPrice"/>.</summary>
    public static readonly DateOnly Epoch = new(2020, 1, 1);

    private const double Reversion = 0.002;
    private const long WalkStream = 0x77616C6B;

    /// <summary>The close on <paramref name="day"/> and on the weekday before it.</summary>
    public static (double PreviousClose, double Close) ClosesAround(SampleTicker ticker, int seed, DateOnly day)
    {
        var previous = PreviousWeekday(day);
        var deviationBefore = Deviation(ticker, seed, previous);
        var deviation = day.DayNumber > Epoch.DayNumber
            ? Step(ticker, seed, deviationBefore, day)
            : Deviation(ticker, seed, day);
        return (ticker.StartPrice * Math.Exp(deviationBefore), ticker.StartPrice * Math.Exp(deviation));
    }

    /// <summary>The close on <paramref name="day"/> (a weekend day has the Friday's close).</summary>
    public static double Close(SampleTicker ticker, int seed, DateOnly day) =>
        ticker.StartPrice * Math.Exp(Deviation(ticker, seed, day));

    private static double Deviation(SampleTicker ticker, int seed, DateOnly day)
    {
        var deviation = 0.0;
        if (day.DayNumber >= Epoch.DayNumber)
        {
            for (var dayNumber = Epoch.DayNumber + 1; dayNumber <= day.DayNumber; dayNumber++)
            {
                if (IsWeekday(dayNumber))
                {
                    deviation = Step(ticker, seed, deviation, dayNumber);
                }
            }
        }
        else
        {
            // Before the epoch the walk runs backwards from it, with draws of its own.
            for (var dayNumber = Epoch.DayNumber - 1; dayNumber >= day.DayNumber; dayNumber--)
            {
                if (IsWeekday(dayNumber))
                {
                    deviation = Step(ticker, seed, deviation, -dayNumber);
                }
            }
        }

        return deviation;
    }

    private static double Step(SampleTicker ticker, int seed, double deviation, DateOnly day) =>
        Step(ticker, seed, deviation, day.DayNumber);

    private static double Step(SampleTicker ticker, int seed, double deviation, long dayKey) =>
        (deviation * (1 - Reversion)) +
        (ticker.DailyVolatility * SampleRandom.QuickNormal(SampleRandom.Hash(seed, ticker.Key, dayKey, WalkStream)));

    private static DateOnly PreviousWeekday(DateOnly day)
    {
        var previous = day.AddDays(-1);
        while (!IsWeekday(previous.DayNumber))
        {
            previous = previous.AddDays(-1);
        }

        return previous;
    }

    // DayNumber 0 is Monday, 1 January 0001.
    private static bool IsWeekday(int dayNumber) => dayNumber % 7 < 5;
}
