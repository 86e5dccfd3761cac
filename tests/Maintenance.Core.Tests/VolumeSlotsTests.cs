using Maintenance.Core;

namespace Maintenance.Core.Tests;

public class VolumeSlotsTests
{
    private static MinuteBar Bar(DateTime startUtc, long volume, int trades) =>
        new(DateTime.SpecifyKind(startUtc, DateTimeKind.Utc), 10, 10.5, 9.5, 10.2, volume, trades);

    private static DateTime Utc(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(2024, 3, 8, 9)] // Friday before the DST start: EST
    [InlineData(2024, 3, 10, 8)] // the DST-start Sunday itself: 04:00 is already EDT (the offset of midnight would be wrong)
    [InlineData(2024, 3, 11, 8)] // the first trading day after the DST start
    [InlineData(2024, 11, 1, 8)] // Friday before the DST end: EDT
    [InlineData(2024, 11, 3, 9)] // the DST-end Sunday: 04:00 is already EST
    [InlineData(2024, 11, 4, 9)] // the first trading day after the DST end
    public void Slot_zero_starts_at_04_00_New_York(int year, int month, int day, int utcHour)
    {
        Assert.Equal(Utc(year, month, day, utcHour, 0), VolumeSlots.DayStartUtc(new DateOnly(year, month, day)));
    }

    [Theory]
    [InlineData(2024, 3, 10)]
    [InlineData(2024, 3, 11)]
    [InlineData(2024, 11, 3)]
    [InlineData(2024, 11, 4)]
    [InlineData(2025, 3, 10)]
    [InlineData(2025, 11, 3)]
    public void Every_minute_of_a_DST_change_day_lands_in_the_slot_TimeZoneInfo_gives(int year, int month, int day)
    {
        var date = new DateOnly(year, month, day);
        var dayStart = VolumeSlots.DayStartUtc(date);
        // Walk 02:00 to 22:00 UTC of the day and the next morning, compare with the zone database's local time.
        for (var utc = Utc(year, month, day, 0, 0); utc < Utc(year, month, day, 0, 0).AddHours(30); utc = utc.AddMinutes(1))
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(utc, TradingCalendar.NewYork);
            var minutesFrom4 = (local - date.ToDateTime(new TimeOnly(4, 0))).TotalMinutes;
            var expected = DateOnly.FromDateTime(local) == date && minutesFrom4 is >= 0 and < 16 * 60 ? (int)(minutesFrom4 / 5) : -1;
            Assert.Equal(expected, VolumeSlots.SlotOf(dayStart, utc));
        }
    }

    [Fact]
    public void Slot_numbers_of_the_design()
    {
        var date = new DateOnly(2024, 3, 11);
        Assert.Equal(Utc(2024, 3, 11, 8, 0), VolumeSlots.SlotStartUtc(date, 0));
        Assert.Equal(Utc(2024, 3, 11, 14, 30), VolumeSlots.SlotStartUtc(date, 78)); // 10:30 EDT
        Assert.Equal(Utc(2024, 3, 11, 23, 55), VolumeSlots.SlotStartUtc(date, 191)); // 19:55 EDT
        Assert.Throws<ArgumentOutOfRangeException>(() => VolumeSlots.SlotStartUtc(date, 192));
    }

    [Fact]
    public void Aggregation_on_the_first_trading_day_after_the_DST_start()
    {
        // 2024-03-11: New York is UTC-4 for the whole session.
        var bars = new[]
        {
            Bar(Utc(2024, 3, 11, 7, 59), 999, 9), // 03:59 ET: before pre-market, ignored
            Bar(Utc(2024, 3, 11, 8, 0), 100, 2), // 04:00 → slot 0
            Bar(Utc(2024, 3, 11, 8, 4), 50, 1), // 04:04 → slot 0
            Bar(Utc(2024, 3, 11, 8, 5), 25, 1), // 04:05 → slot 1
            Bar(Utc(2024, 3, 11, 13, 30), 1_000, 40), // 09:30 → slot 66
            Bar(Utc(2024, 3, 11, 14, 34), 700, 30), // 10:34 → slot 78
            Bar(Utc(2024, 3, 11, 23, 59), 5, 1), // 19:59 → slot 191
            Bar(Utc(2024, 3, 12, 0, 0), 888, 8), // 20:00 ET: after-hours are over, ignored
            Bar(Utc(2024, 3, 11, 9, 0), 10, 1), // 05:00 → slot 12 (out of order: the sum does not care)
        };
        var volume = new long[VolumeSlots.Count];
        var accumulated = new long[VolumeSlots.Count];
        var trades = new int[VolumeSlots.Count];
        Array.Fill(volume, -1); // the spans are cleared, not added to

        var counted = VolumeSlots.Aggregate(new DateOnly(2024, 3, 11), bars, volume, accumulated, trades);

        Assert.Equal(7, counted);
        Assert.Equal(150, volume[0]);
        Assert.Equal(3, trades[0]);
        Assert.Equal(25, volume[1]);
        Assert.Equal(10, volume[12]);
        Assert.Equal(1_000, volume[66]);
        Assert.Equal(700, volume[78]);
        Assert.Equal(5, volume[191]);
        Assert.Equal(1_890, volume.Sum());
        Assert.Equal(76, trades.Sum());
        Assert.Equal(150, accumulated[0]);
        Assert.Equal(175, accumulated[1]);
        Assert.Equal(175, accumulated[11]);
        Assert.Equal(185, accumulated[12]);
        Assert.Equal(1_185, accumulated[66]);
        Assert.Equal(1_885, accumulated[78]);
        Assert.Equal(1_885, accumulated[190]);
        Assert.Equal(1_890, accumulated[191]);
    }

    [Fact]
    public void Aggregation_on_the_first_trading_day_after_the_DST_end_gives_the_stored_rows()
    {
        // 2024-11-04: New York is UTC-5; the same UTC minutes as in summer land one slot-hour earlier.
        var day = new TickerMinuteBars("AAPL", new DateOnly(2024, 11, 4),
        [
            Bar(Utc(2024, 11, 4, 8, 0), 400, 4), // 03:00 EST: ignored (it would be 04:00 in summer)
            Bar(Utc(2024, 11, 4, 9, 0), 100, 1), // 04:00 → slot 0
            Bar(Utc(2024, 11, 4, 14, 30), 3_000, 60), // 09:30 → slot 66
            Bar(Utc(2024, 11, 4, 14, 31), 2_000, 50), // 09:31 → slot 66
            Bar(Utc(2024, 11, 4, 15, 30), 0, 0), // 10:30 → slot 78, a bar without volume still makes a row
            Bar(Utc(2024, 11, 5, 0, 55), 7, 1), // 19:55 → slot 191
            Bar(Utc(2024, 11, 5, 1, 0), 9, 1), // 20:00: ignored
        ]);

        Assert.Equal(
        [
            new VolumeSlot(0, 100, 100, 1),
            new VolumeSlot(66, 5_000, 5_100, 110),
            new VolumeSlot(78, 0, 5_100, 0),
            new VolumeSlot(191, 7, 5_107, 1),
        ], VolumeSlots.Aggregate(day));
    }

    [Fact]
    public void Rows_count_the_bars_that_fell_into_a_slot_and_match_the_aggregation()
    {
        // 2024-03-11: New York is UTC-4, 04:00 ET is 08:00 UTC.
        MinuteBar[] bars =
        [
            Bar(Utc(2024, 3, 11, 7, 59), 999, 9), // 03:59: outside
            Bar(Utc(2024, 3, 11, 8, 3), 40, 2), // slot 0
            Bar(Utc(2024, 3, 11, 8, 1), 60, 3), // slot 0, out of order
            Bar(Utc(2024, 3, 11, 13, 30), 0, 0), // slot 66 without volume
            Bar(Utc(2024, 3, 11, 23, 55), 5, 1), // slot 191
            Bar(Utc(2024, 3, 12, 0, 0), 888, 8), // 20:00: outside
        ];

        var rows = VolumeSlots.Rows(new DateOnly(2024, 3, 11), bars, out var inSession);

        Assert.Equal(4, inSession);
        Assert.Equal([new VolumeSlot(0, 100, 100, 5), new VolumeSlot(66, 0, 100, 0), new VolumeSlot(191, 5, 105, 1)], rows);
        Assert.Equal(rows, VolumeSlots.Aggregate(new TickerMinuteBars("X", new DateOnly(2024, 3, 11), bars)));
        Assert.Empty(VolumeSlots.Rows(new DateOnly(2024, 3, 11), bars.AsSpan(0, 1), out var none));
        Assert.Equal(0, none);
    }

    [Fact]
    public void A_day_without_bars_in_the_session_has_no_rows()
    {
        var day = new TickerMinuteBars("X", new DateOnly(2025, 1, 10), [Bar(Utc(2025, 1, 10, 1, 0), 5, 1)]);
        Assert.Empty(VolumeSlots.Aggregate(day));
    }

    [Fact]
    public void Accumulated_volume_is_forward_filled_from_stored_rows()
    {
        var accumulated = new long[VolumeSlots.Count];
        Array.Fill(accumulated, -1);
        VolumeSlot[] rows = [new(5, 150, 250, 3), new(3, 100, 100, 2)];

        VolumeSlots.FillAccumulated(rows, accumulated);

        Assert.Equal([0, 0, 0, 100, 100, 250, 250], accumulated[..7]);
        Assert.Equal(250, accumulated[191]);
    }

    [Fact]
    public void Spans_too_short_or_slots_out_of_range_are_refused()
    {
        var shortSpan = new long[10];
        var ex = Assert.Throws<ArgumentException>(() => VolumeSlots.Aggregate(new DateOnly(2025, 1, 10), [], shortSpan, new long[192], new int[192]));
        Assert.Contains("room for 192 slots, it has 10", ex.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<ArgumentException>(() => VolumeSlots.FillAccumulated([new VolumeSlot(192, 1, 1, 1)], new long[192]));
        Assert.Contains("Volume slot 192 is outside 0-191", bad.Message, StringComparison.Ordinal);
    }
}
