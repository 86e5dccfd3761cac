namespace Maintenance.Core;

/// <summary>
/// Average True Range over a window of daily bars ending at the target date. True Range = max(high - low,
/// |high - previous close|, |low - previous close|); the window's first bar has no previous close and so no TR,
/// which puts the first ATR on bar <c>period + 1</c>. A missing day inside the window simply joins the bars on
/// either side: the TR of the bar after it uses the last close before it.
/// </summary>
public static class Atr
{
    public const int DefaultPeriod = 14;

    /// <summary>The number of trading days the window spans by default.</summary>
    public const int DefaultLookbackDays = 60;

    // Above this many bars the true ranges go to the heap instead of the stack.
    private const int StackLimit = 512;

    /// <summary>ATR of one symbol's window of bars (in date order, the last on <paramref name="targetDate"/>).</summary>
    public static AtrResult Calculate(
        ReadOnlySpan<DailyBar> window,
        DateOnly targetDate,
        AtrMethod method = AtrMethod.Wilder,
        int period = DefaultPeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        if (window.IsEmpty)
        {
            return AtrResult.NoValue("no daily bars");
        }

        var last = window[^1];
        if (last.Date != targetDate)
        {
            return AtrResult.NoValue($"no bar on the target date {targetDate:yyyy-MM-dd} (last bar {last.Date:yyyy-MM-dd})");
        }

        if (window.Length < period + 1)
        {
            return NotEnoughBars(window.Length, period);
        }

        var first = window[0];
        for (var i = 0; i < window.Length; i++)
        {
            var bar = window[i];
            if (i > 0 && bar.Date <= window[i - 1].Date)
            {
                return AtrResult.NoValue($"bars are not in increasing date order at {bar.Date:yyyy-MM-dd}");
            }

            if (!string.Equals(bar.Symbol, first.Symbol, StringComparison.Ordinal))
            {
                return AtrResult.NoValue($"the window mixes symbols {first.Symbol} and {bar.Symbol}");
            }

            if (!ArePrices(bar.High, bar.Low, bar.Close))
            {
                return AtrResult.NoValue($"invalid prices on {bar.Date:yyyy-MM-dd} (high {bar.High}, low {bar.Low}, close {bar.Close})");
            }
        }

        var trueRanges = window.Length - 1 <= StackLimit ? stackalloc double[window.Length - 1] : new double[window.Length - 1];
        for (var i = 1; i < window.Length; i++)
        {
            trueRanges[i - 1] = TrueRange(window[i].High, window[i].Low, window[i - 1].Close);
        }

        return FromTrueRanges(trueRanges, last.Close, method, period);
    }

    /// <summary>
    /// ATR of one symbol's window given as parallel spans of its bars (in date order, the last on
    /// <paramref name="targetDate"/>): the same checks, reasons and figures as the <see cref="DailyBar"/> overload.
    /// </summary>
    public static AtrResult Calculate(
        ReadOnlySpan<DateOnly> dates,
        ReadOnlySpan<double> high,
        ReadOnlySpan<double> low,
        ReadOnlySpan<double> close,
        DateOnly targetDate,
        AtrMethod method = AtrMethod.Wilder,
        int period = DefaultPeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        if (dates.Length != high.Length || dates.Length != low.Length || dates.Length != close.Length)
        {
            throw new ArgumentException($"dates, high, low and close differ in length ({dates.Length}, {high.Length}, {low.Length}, {close.Length}).", nameof(dates));
        }

        if (dates.IsEmpty)
        {
            return AtrResult.NoValue("no daily bars");
        }

        if (dates[^1] != targetDate)
        {
            return AtrResult.NoValue($"no bar on the target date {targetDate:yyyy-MM-dd} (last bar {dates[^1]:yyyy-MM-dd})");
        }

        if (dates.Length < period + 1)
        {
            return NotEnoughBars(dates.Length, period);
        }

        for (var i = 0; i < dates.Length; i++)
        {
            if (i > 0 && dates[i] <= dates[i - 1])
            {
                return AtrResult.NoValue($"bars are not in increasing date order at {dates[i]:yyyy-MM-dd}");
            }

            if (!ArePrices(high[i], low[i], close[i]))
            {
                return AtrResult.NoValue($"invalid prices on {dates[i]:yyyy-MM-dd} (high {high[i]}, low {low[i]}, close {close[i]})");
            }
        }

        var trueRanges = dates.Length - 1 <= StackLimit ? stackalloc double[dates.Length - 1] : new double[dates.Length - 1];
        for (var i = 1; i < dates.Length; i++)
        {
            trueRanges[i - 1] = TrueRange(high[i], low[i], close[i - 1]);
        }

        return FromTrueRanges(trueRanges, close[^1], method, period);
    }

    /// <summary>ATR of a window given as parallel spans (oldest first, the last element is the target date).</summary>
    public static AtrResult Calculate(
        ReadOnlySpan<double> high,
        ReadOnlySpan<double> low,
        ReadOnlySpan<double> close,
        AtrMethod method = AtrMethod.Wilder,
        int period = DefaultPeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        if (high.Length != low.Length || high.Length != close.Length)
        {
            throw new ArgumentException($"high, low and close differ in length ({high.Length}, {low.Length}, {close.Length}).", nameof(high));
        }

        if (high.Length < period + 1)
        {
            return NotEnoughBars(high.Length, period);
        }

        for (var i = 0; i < high.Length; i++)
        {
            if (!ArePrices(high[i], low[i], close[i]))
            {
                return AtrResult.NoValue($"invalid prices at bar {i} (high {high[i]}, low {low[i]}, close {close[i]})");
            }
        }

        var trueRanges = high.Length - 1 <= StackLimit ? stackalloc double[high.Length - 1] : new double[high.Length - 1];
        for (var i = 1; i < high.Length; i++)
        {
            trueRanges[i - 1] = TrueRange(high[i], low[i], close[i - 1]);
        }

        return FromTrueRanges(trueRanges, close[^1], method, period);
    }

    public static double TrueRange(double high, double low, double previousClose) =>
        Math.Max(high - low, Math.Max(Math.Abs(high - previousClose), Math.Abs(low - previousClose)));

    private static AtrResult FromTrueRanges(ReadOnlySpan<double> trueRanges, double lastClose, AtrMethod method, int period)
    {
        if (method is not (AtrMethod.Wilder or AtrMethod.Sma or AtrMethod.Ema))
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown ATR method.");
        }

        double atr;
        if (method == AtrMethod.Sma)
        {
            atr = Mean(trueRanges[^period..]);
        }
        else
        {
            atr = Mean(trueRanges[..period]);
            var alpha = 2.0 / (period + 1);
            foreach (var tr in trueRanges[period..])
            {
                atr = method switch
                {
                    AtrMethod.Wilder => ((atr * (period - 1)) + tr) / period,
                    _ => (alpha * tr) + ((1 - alpha) * atr),
                };
            }
        }

        return AtrResult.Of(atr, atr / lastClose * 100);
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum / values.Length;
    }

    private static bool ArePrices(double high, double low, double close) =>
        double.IsFinite(high) && double.IsFinite(low) && double.IsFinite(close) && low > 0 && close > 0 && high >= low;

    private static AtrResult NotEnoughBars(int bars, int period) =>
        AtrResult.NoValue($"{bars} daily bars, {period + 1} needed for ATR({period})");
}
