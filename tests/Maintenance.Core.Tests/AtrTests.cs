using Maintenance.Core;

namespace Maintenance.Core.Tests;

public class AtrTests
{
    private const int Precision = 12;

    private static DailyBar Bar(DateOnly date, double high, double low, double close) =>
        new("TEST", date, close, high, low, close, 1_000, null, 10);

    /// <summary>
    /// Six bars over seven trading days (2025-03-06 has no bar), period 3. True ranges, worked by hand:
    /// 03-04: none (first bar); 03-05: max(0.5, 0.5, 0.0) = 0.5; 03-06: no bar (the gap day);
    /// 03-07: gap up against the last close before the gap, 9.8: max(1.0, |12.0 - 9.8| = 2.2, 1.2) = 2.2;
    /// 03-10: gap down against 11.5: max(0.5, 1.0, |10.0 - 11.5| = 1.5) = 1.5; 03-11: max(0.7, 0.6, 0.1) = 0.7;
    /// 03-12: max(0.6, 0.4, 0.2) = 0.6.
    /// Seed (fourth bar) = (0.5 + 2.2 + 1.5) / 3 = 1.4.
    /// Wilder: (1.4 * 2 + 0.7) / 3 = 7/6, then (7/6 * 2 + 0.6) / 3 = 44/45.
    /// SMA: (1.5 + 0.7 + 0.6) / 3 = 14/15.
    /// EMA (alpha 0.5): 0.5 * 0.7 + 0.5 * 1.4 = 1.05, then 0.5 * 0.6 + 0.5 * 1.05 = 0.825.
    /// </summary>
    private static readonly DailyBar[] GapSeries =
    [
        Bar(new DateOnly(2025, 3, 4), 10.0, 9.0, 9.5),
        Bar(new DateOnly(2025, 3, 5), 10.0, 9.5, 9.8),
        Bar(new DateOnly(2025, 3, 7), 12.0, 11.0, 11.5),
        Bar(new DateOnly(2025, 3, 10), 10.5, 10.0, 10.2),
        Bar(new DateOnly(2025, 3, 11), 10.8, 10.1, 10.6),
        Bar(new DateOnly(2025, 3, 12), 11.0, 10.4, 10.9),
    ];

    [Theory]
    [InlineData(AtrMethod.Wilder, 44.0 / 45.0)]
    [InlineData(AtrMethod.Sma, 14.0 / 15.0)]
    [InlineData(AtrMethod.Ema, 0.825)]
    public void Hand_checked_series_with_a_gap_day(AtrMethod method, double expected)
    {
        var result = Atr.Calculate(GapSeries, new DateOnly(2025, 3, 12), method, period: 3);

        Assert.True(result.HasValue);
        Assert.Null(result.Reason);
        Assert.Equal(expected, result.Atr, Precision);
        Assert.Equal(expected / 10.9 * 100, result.AtrPercent, Precision);
    }

    [Fact]
    public void Hand_checked_series_gives_the_figures_written_out()
    {
        var target = new DateOnly(2025, 3, 12);
        Assert.Equal(0.977777777778, Atr.Calculate(GapSeries, target, AtrMethod.Wilder, 3).Atr, Precision);
        Assert.Equal(8.970438328236, Atr.Calculate(GapSeries, target, AtrMethod.Wilder, 3).AtrPercent, Precision);
        Assert.Equal(8.562691131498, Atr.Calculate(GapSeries, target, AtrMethod.Sma, 3).AtrPercent, Precision);
        Assert.Equal(7.568807339450, Atr.Calculate(GapSeries, target, AtrMethod.Ema, 3).AtrPercent, Precision);
    }

    [Fact]
    public void Parallel_spans_give_the_same_figures()
    {
        var high = GapSeries.Select(b => b.High).ToArray();
        var low = GapSeries.Select(b => b.Low).ToArray();
        var close = GapSeries.Select(b => b.Close).ToArray();
        foreach (var method in new[] { AtrMethod.Wilder, AtrMethod.Sma, AtrMethod.Ema })
        {
            var fromBars = Atr.Calculate(GapSeries, new DateOnly(2025, 3, 12), method, 3);
            Assert.Equal(fromBars, Atr.Calculate(high, low, close, method, 3));
        }
    }

    [Fact]
    public void Dated_spans_give_the_same_figures_and_reasons_as_the_bars()
    {
        static AtrResult FromSpans(DailyBar[] bars, DateOnly target, AtrMethod method, int period) => Atr.Calculate(
            bars.Select(b => b.Date).ToArray(), bars.Select(b => b.High).ToArray(), bars.Select(b => b.Low).ToArray(), bars.Select(b => b.Close).ToArray(), target, method, period);

        var target = new DateOnly(2025, 3, 12);
        DailyBar[] unordered = [GapSeries[0], GapSeries[2], GapSeries[1], .. GapSeries[3..]];
        DailyBar[] zeroClose = [.. GapSeries[..5], GapSeries[5] with { Close = 0 }];
        foreach (var method in new[] { AtrMethod.Wilder, AtrMethod.Sma, AtrMethod.Ema })
        {
            Assert.Equal(Atr.Calculate(GapSeries, target, method, 3), FromSpans(GapSeries, target, method, 3));
        }

        Assert.Equal(0.977777777778, FromSpans(GapSeries, target, AtrMethod.Wilder, 3).Atr, Precision);
        Assert.Equal(8.970438328236, FromSpans(GapSeries, target, AtrMethod.Wilder, 3).AtrPercent, Precision);
        Assert.Equal("no bar on the target date 2025-03-13 (last bar 2025-03-12)", FromSpans(GapSeries, new DateOnly(2025, 3, 13), AtrMethod.Wilder, 3).Reason);
        Assert.Equal("bars are not in increasing date order at 2025-03-05", FromSpans(unordered, target, AtrMethod.Wilder, 3).Reason);
        Assert.Equal(Atr.Calculate(zeroClose, target, AtrMethod.Wilder, 3), FromSpans(zeroClose, target, AtrMethod.Wilder, 3));
        Assert.StartsWith("invalid prices on 2025-03-12", FromSpans(zeroClose, target, AtrMethod.Wilder, 3).Reason, StringComparison.Ordinal);
        Assert.Equal("6 daily bars, 8 needed for ATR(7)", FromSpans(GapSeries, target, AtrMethod.Wilder, 7).Reason);
        Assert.Equal("no daily bars", Atr.Calculate([], [], [], [], target).Reason);
        Assert.Throws<ArgumentException>(() => Atr.Calculate([target], [1.0, 2.0], [1.0], [1.0], target));
    }

    /// <summary>
    /// Period 14 (the default). The first bar's own range (60) must not count: it has no previous close.
    /// Bars 2-15 have TR 2 (close 50, high 51, low 49). Bar 16 gaps up: max(4, |56 - 50|, |52 - 50|) = 6.
    /// Bar 17: max(2, |55.5 - 55|, |53.5 - 55|) = 2.
    /// </summary>
    private static DailyBar[] Period14Series(int bars)
    {
        var days = TradingCalendar.Nyse.TradingDays(new DateOnly(2025, 1, 2), new DateOnly(2025, 3, 31)).Take(bars).ToArray();
        var series = new List<DailyBar> { Bar(days[0], 80, 20, 50) };
        for (var i = 1; i < Math.Min(bars, 15); i++)
        {
            series.Add(Bar(days[i], 51, 49, 50));
        }

        if (bars > 15)
        {
            series.Add(Bar(days[15], 56, 52, 55));
        }

        if (bars > 16)
        {
            series.Add(Bar(days[16], 55.5, 53.5, 54));
        }

        return [.. series];
    }

    [Theory]
    [InlineData(AtrMethod.Wilder)]
    [InlineData(AtrMethod.Sma)]
    [InlineData(AtrMethod.Ema)]
    public void The_first_value_is_on_the_15th_bar_and_is_the_mean_of_14_true_ranges(AtrMethod method)
    {
        var bars = Period14Series(15);
        var result = Atr.Calculate(bars, bars[^1].Date, method);
        Assert.True(result.HasValue);
        Assert.Equal(2.0, result.Atr, Precision);
        Assert.Equal(4.0, result.AtrPercent, Precision);
    }

    [Theory]
    [InlineData(AtrMethod.Wilder, 444.0 / 196.0)] // 32/14 after bar 16, then (32/14 * 13 + 2) / 14
    [InlineData(AtrMethod.Sma, 32.0 / 14.0)] // twelve 2s, a 6 and a 2
    [InlineData(AtrMethod.Ema, 554.0 / 225.0)] // alpha 2/15: 38/15 after bar 16, then 2/15 * 2 + 13/15 * 38/15
    public void Period_14_after_the_seed(AtrMethod method, double expected)
    {
        var bars = Period14Series(17);
        var result = Atr.Calculate(bars, bars[^1].Date, method);
        Assert.Equal(expected, result.Atr, Precision);
        Assert.Equal(expected / 54 * 100, result.AtrPercent, Precision);
    }

    [Fact]
    public void Wilder_is_the_default_method()
    {
        var bars = Period14Series(17);
        Assert.Equal(Atr.Calculate(bars, bars[^1].Date, AtrMethod.Wilder), Atr.Calculate(bars, bars[^1].Date));
    }

    [Fact]
    public void Not_enough_history_gives_no_value_and_says_why()
    {
        var bars = Period14Series(14);
        var result = Atr.Calculate(bars, bars[^1].Date);
        Assert.False(result.HasValue);
        Assert.True(double.IsNaN(result.Atr));
        Assert.Equal("14 daily bars, 15 needed for ATR(14)", result.Reason);
        Assert.Equal("no daily bars", Atr.Calculate([], new DateOnly(2025, 3, 12)).Reason);
    }

    [Fact]
    public void Bad_windows_give_no_value_and_say_why()
    {
        var target = new DateOnly(2025, 3, 13);
        Assert.Equal("no bar on the target date 2025-03-13 (last bar 2025-03-12)", Atr.Calculate(GapSeries, target, AtrMethod.Wilder, 3).Reason);

        DailyBar[] unordered = [GapSeries[0], GapSeries[2], GapSeries[1], .. GapSeries[3..]];
        Assert.Equal("bars are not in increasing date order at 2025-03-05", Atr.Calculate(unordered, new DateOnly(2025, 3, 12), AtrMethod.Wilder, 3).Reason);

        DailyBar[] mixed = [.. GapSeries[..5], GapSeries[5] with { Symbol = "OTHER" }];
        Assert.Equal("the window mixes symbols TEST and OTHER", Atr.Calculate(mixed, new DateOnly(2025, 3, 12), AtrMethod.Wilder, 3).Reason);

        DailyBar[] zeroClose = [.. GapSeries[..5], GapSeries[5] with { Close = 0 }];
        Assert.StartsWith("invalid prices on 2025-03-12", Atr.Calculate(zeroClose, new DateOnly(2025, 3, 12), AtrMethod.Wilder, 3).Reason, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => Atr.Calculate(GapSeries, new DateOnly(2025, 3, 12), AtrMethod.Wilder, 0));
        Assert.Throws<ArgumentException>(() => Atr.Calculate([1.0, 2.0], [1.0], [1.0, 2.0]));
    }
}
