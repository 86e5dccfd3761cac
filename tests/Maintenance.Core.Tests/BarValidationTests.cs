using Maintenance.Core;

namespace Maintenance.Core.Tests;

public class BarValidationTests
{
    private static readonly DateOnly Date = new(2025, 3, 12);

    private static DailyBar Daily(string symbol, double open = 10, double high = 11, double low = 9, double close = 10.5, long volume = 1_000, DateOnly? date = null) =>
        new(symbol, date ?? Date, open, high, low, close, volume, null, 5);

    private static MinuteBar Minute(DateTime utc, double open = 10, double high = 11, double low = 9, double close = 10.5, long volume = 100) =>
        new(DateTime.SpecifyKind(utc, DateTimeKind.Utc), open, high, low, close, volume, 1);

    [Fact]
    public void Daily_bars_keep_the_good_and_count_each_fault_once()
    {
        DailyBar[] bars =
        [
            Daily("AAPL"),
            Daily("MSFT", date: new DateOnly(2025, 3, 11)), // another day
            Daily(""), // no symbol
            Daily("ZERO", open: 0),
            Daily("NAN", close: double.NaN),
            Daily("NEGV", volume: -1),
            Daily("HIGH", high: 10.4), // below the close 10.5
            Daily("LOW", low: 10.2), // above the open 10
            Daily("BOTH", open: 0, volume: -5), // counted once, as the first fault
            Daily("AAPL", close: 10.7), // a second AAPL
            Daily("IBM", open: 10, high: 10, low: 10, close: 10, volume: 0), // a flat bar without volume is valid
            Daily("ZERO"), // the earlier ZERO was rejected, so this one is the first valid one
        ];

        var result = BarValidation.Daily(bars, Date);

        Assert.Equal(["AAPL", "IBM", "ZERO"], result.Kept.Select(b => b.Symbol));
        Assert.Equal(10.5, result.Kept[0].Close);
        Assert.Equal(1, result.Rejected(BarRejection.OutsideDay));
        Assert.Equal(1, result.Rejected(BarRejection.MissingSymbol));
        Assert.Equal(3, result.Rejected(BarRejection.NonPositivePrice));
        Assert.Equal(1, result.Rejected(BarRejection.NegativeVolume));
        Assert.Equal(1, result.Rejected(BarRejection.HighBelowOpenClose));
        Assert.Equal(1, result.Rejected(BarRejection.LowAboveOpenClose));
        Assert.Equal(1, result.Rejected(BarRejection.Duplicate));
        Assert.Equal(9, result.RejectedTotal);
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["outside_day"] = 1,
                ["missing_symbol"] = 1,
                ["non_positive_price"] = 3,
                ["negative_volume"] = 1,
                ["high_below_open_close"] = 1,
                ["low_above_open_close"] = 1,
                ["duplicate"] = 1,
            },
            result.RejectedByName);
    }

    [Fact]
    public void Daily_bars_validated_in_place_move_the_kept_to_the_front_in_order_and_add_to_the_counts()
    {
        DailyBar[] bars =
        [
            Daily("ZERO", open: 0),
            Daily("AAPL"),
            Daily("MSFT", date: new DateOnly(2025, 3, 11)),
            Daily("IBM"),
            Daily("AAPL", close: 10.7),
            Daily("LOW", low: 10.2),
            Daily("ZERO"),
        ];
        var rejected = new int[BarValidation.ReasonCount];
        rejected[(int)BarRejection.Duplicate] = 4; // counts of earlier days go on

        var kept = BarValidation.Daily(bars, Date, rejected);

        Assert.Equal(3, kept);
        Assert.Equal(["AAPL", "IBM", "ZERO"], bars[..kept].Select(b => b.Symbol));
        Assert.Equal(10.5, bars[0].Close);
        Assert.Equal([1, 0, 1, 0, 0, 1, 5], rejected);
        Assert.Equal([BarRejection.OutsideDay, BarRejection.MissingSymbol, BarRejection.NonPositivePrice, BarRejection.NegativeVolume,
            BarRejection.HighBelowOpenClose, BarRejection.LowAboveOpenClose, BarRejection.Duplicate], Enum.GetValues<BarRejection>());
    }

    [Fact]
    public void Minute_bars_outside_the_New_York_day_are_rejected_on_a_DST_change_day()
    {
        // 2025-03-10 (after the DST start on the 9th): the New York day is 04:00Z..04:00Z the next day (midnight EDT).
        var date = new DateOnly(2025, 3, 10);
        MinuteBar[] bars =
        [
            Minute(new DateTime(2025, 3, 10, 3, 59, 0)), // 23:59 on the 9th
            Minute(new DateTime(2025, 3, 10, 4, 0, 0)), // 00:00
            Minute(new DateTime(2025, 3, 10, 13, 30, 0)),
            Minute(new DateTime(2025, 3, 11, 3, 59, 0)), // 23:59
            Minute(new DateTime(2025, 3, 11, 4, 0, 0)), // 00:00 on the 11th
        ];

        var result = BarValidation.Minutes(bars, date);

        Assert.Equal([bars[1], bars[2], bars[3]], result.Kept);
        Assert.Equal(2, result.Rejected(BarRejection.OutsideDay));
    }

    [Fact]
    public void Duplicate_minutes_are_found_in_order_and_out_of_order()
    {
        var t = new DateTime(2025, 3, 12, 14, 0, 0);
        MinuteBar[] bars =
        [
            Minute(t),
            Minute(t, close: 10.9), // same minute straight after
            Minute(t.AddMinutes(2)),
            Minute(t.AddMinutes(1)), // out of order, new
            Minute(t, volume: 5), // out of order, seen
            Minute(t.AddMinutes(3), high: 9.5), // high below open
            Minute(t.AddMinutes(3)), // the first valid bar of that minute
            Minute(t.AddMinutes(4), volume: -3),
        ];

        var result = BarValidation.Minutes(bars, Date);

        Assert.Equal([bars[0], bars[2], bars[3], bars[6]], result.Kept);
        Assert.Equal(2, result.Rejected(BarRejection.Duplicate));
        Assert.Equal(1, result.Rejected(BarRejection.HighBelowOpenClose));
        Assert.Equal(1, result.Rejected(BarRejection.NegativeVolume));
        Assert.Equal(4, result.RejectedTotal);
    }

    [Fact]
    public void The_span_form_adds_to_the_callers_counts()
    {
        var t = new DateTime(2025, 3, 12, 14, 0, 0);
        MinuteBar[] bars = [Minute(t), Minute(t), Minute(t.AddMinutes(1), low: 0)];
        var kept = new MinuteBar[3];
        var counts = new int[BarValidation.ReasonCount];
        counts[(int)BarRejection.Duplicate] = 10;

        var count = BarValidation.Minutes(bars, Date, kept, counts);

        Assert.Equal(1, count);
        Assert.Equal(11, counts[(int)BarRejection.Duplicate]);
        Assert.Equal(1, counts[(int)BarRejection.NonPositivePrice]);
        Assert.Throws<ArgumentException>(() => BarValidation.Minutes(bars, Date, new MinuteBar[2], counts));
    }
}
