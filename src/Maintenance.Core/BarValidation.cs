namespace Maintenance.Core;

/// <summary>Checks bars before they are stored: prices, volume, the open-high-low-close shape, duplicates, the day.</summary>
public static class BarValidation
{
    public static readonly int ReasonCount = Enum.GetValues<BarRejection>().Length;

    /// <summary>The reason as a metric name: <c>outside_day</c>, <c>missing_symbol</c>, <c>non_positive_price</c>, ...</summary>
    public static string MetricName(BarRejection reason) => reason switch
    {
        BarRejection.OutsideDay => "outside_day",
        BarRejection.MissingSymbol => "missing_symbol",
        BarRejection.NonPositivePrice => "non_positive_price",
        BarRejection.NegativeVolume => "negative_volume",
        BarRejection.HighBelowOpenClose => "high_below_open_close",
        BarRejection.LowAboveOpenClose => "low_above_open_close",
        BarRejection.Duplicate => "duplicate",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown rejection reason."),
    };

    /// <summary>The day's daily bars of all symbols; a symbol's second bar is a duplicate.</summary>
    public static ValidatedBars<DailyBar> Daily(IEnumerable<DailyBar> bars, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(bars);
        DailyBar[] all = [.. bars];
        var rejected = new int[ReasonCount];
        var count = Daily(all, date, rejected);
        return new ValidatedBars<DailyBar>(all[..count], rejected);
    }

    /// <summary>
    /// The day's daily bars validated in place: the bars kept are moved to the front of <paramref name="bars"/>, in
    /// their order, and counts are added to <paramref name="rejected"/> (indexed by <see cref="BarRejection"/>). A whole
    /// market's day is ~11,000 bars, so no copy of them is made.
    /// </summary>
    /// <returns>The number of bars kept.</returns>
    public static int Daily(Span<DailyBar> bars, DateOnly date, Span<int> rejected)
    {
        if (rejected.Length < ReasonCount)
        {
            throw new ArgumentException($"The counts need {ReasonCount} entries.", nameof(rejected));
        }

        var symbols = new HashSet<string>(bars.Length, StringComparer.Ordinal);
        var count = 0;
        foreach (ref readonly var bar in bars)
        {
            BarRejection? reason =
                bar.Date != date ? BarRejection.OutsideDay
                : string.IsNullOrWhiteSpace(bar.Symbol) ? BarRejection.MissingSymbol
                : PriceFault(bar.Open, bar.High, bar.Low, bar.Close, bar.Volume);
            if (reason is null && !symbols.Add(bar.Symbol))
            {
                reason = BarRejection.Duplicate;
            }

            if (reason is { } why)
            {
                rejected[(int)why]++;
            }
            else
            {
                // Never ahead of the bar being read, so no bar is overwritten before it is judged.
                bars[count++] = bar;
            }
        }

        return count;
    }

    /// <summary>One ticker's minute bars of <paramref name="date"/> (the New York calendar day).</summary>
    public static ValidatedBars<MinuteBar> Minutes(ReadOnlySpan<MinuteBar> bars, DateOnly date)
    {
        var kept = new MinuteBar[bars.Length];
        var rejected = new int[ReasonCount];
        var count = Minutes(bars, date, kept, rejected);
        return new ValidatedBars<MinuteBar>(kept[..count], rejected);
    }

    /// <summary>
    /// One ticker's minute bars of <paramref name="date"/> into <paramref name="kept"/>, counts added to
    /// <paramref name="rejected"/> (indexed by <see cref="BarRejection"/>). Bars in time order need no allocation.
    /// </summary>
    /// <returns>The number of bars kept.</returns>
    public static int Minutes(ReadOnlySpan<MinuteBar> bars, DateOnly date, Span<MinuteBar> kept, Span<int> rejected)
    {
        if (kept.Length < bars.Length)
        {
            throw new ArgumentException($"Room for {kept.Length} bars, {bars.Length} given.", nameof(kept));
        }

        if (rejected.Length < ReasonCount)
        {
            throw new ArgumentException($"The counts need {ReasonCount} entries.", nameof(rejected));
        }

        var dayStart = TradingCalendar.AtNewYork(date, TimeOnly.MinValue).UtcTicks;
        var dayEnd = TradingCalendar.AtNewYork(date.AddDays(1), TimeOnly.MinValue).UtcTicks;
        var count = 0;
        var latest = long.MinValue;
        HashSet<long>? seen = null;
        foreach (ref readonly var bar in bars)
        {
            var ticks = bar.StartUtc.Ticks;
            var reason = ticks < dayStart || ticks >= dayEnd
                ? BarRejection.OutsideDay
                : PriceFault(bar.Open, bar.High, bar.Low, bar.Close, bar.Volume);
            if (reason is null)
            {
                if (ticks > latest)
                {
                    latest = ticks;
                    seen?.Add(ticks);
                }
                else
                {
                    // Out of order: from here on the kept minutes are looked up in a set.
                    if (seen is null)
                    {
                        seen = new HashSet<long>(kept.Length);
                        foreach (var earlier in kept[..count])
                        {
                            seen.Add(earlier.StartUtc.Ticks);
                        }
                    }

                    if (!seen.Add(ticks))
                    {
                        reason = BarRejection.Duplicate;
                    }
                }
            }

            if (reason is { } why)
            {
                rejected[(int)why]++;
            }
            else
            {
                kept[count++] = bar;
            }
        }

        return count;
    }

    private static BarRejection? PriceFault(double open, double high, double low, double close, long volume)
    {
        // Written as "not greater than zero" so that NaN fails too.
        if (!(open > 0) || !(high > 0) || !(low > 0) || !(close > 0)
            || double.IsInfinity(open) || double.IsInfinity(high) || double.IsInfinity(low) || double.IsInfinity(close))
        {
            return BarRejection.NonPositivePrice;
        }

        if (volume < 0)
        {
            return BarRejection.NegativeVolume;
        }

        if (high < Math.Max(open, close))
        {
            return BarRejection.HighBelowOpenClose;
        }

        if (low > Math.Min(open, close))
        {
            return BarRejection.LowAboveOpenClose;
        }

        return null;
    }
}
