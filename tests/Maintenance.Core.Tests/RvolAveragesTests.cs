using Maintenance.Core;

namespace Maintenance.Core.Tests;

public class RvolAveragesTests
{
    private static readonly DateOnly Target = new(2025, 3, 12);

    private static VolumeSlotDay Day(int month, int day, params VolumeSlot[] slots) => new(new DateOnly(2025, month, day), slots);

    private static long At(RvolAverage average, int slot) =>
        average.Slots.SingleOrDefault(s => s.Slot == slot).Average;

    /// <summary>
    /// Accumulated volume per day (forward-filled, 0 before the first traded slot), most recent first:
    /// 03-12: slot 0 = 100, slots 1 = 100, 2-190 = 150, 191 = 160 (slots 1 and 3-190 have no row);
    /// 03-11: late first trade: 0 until slot 65, 300 at 66, 330 from 67;
    /// 03-10: no rows, so not a day with slot data; 03-07: 0 at slot 0, 7 from slot 1; 03-06: 1 everywhere.
    /// 03-13 is after the target and must be left out.
    /// </summary>
    private static readonly VolumeSlotDay[] History =
    [
        Day(3, 13, new VolumeSlot(0, 999_999, 999_999, 9)),
        Day(3, 12, new VolumeSlot(0, 100, 100, 1), new VolumeSlot(2, 50, 150, 1), new VolumeSlot(191, 10, 160, 1)),
        Day(3, 11, new VolumeSlot(66, 300, 300, 3), new VolumeSlot(67, 30, 330, 1)),
        Day(3, 10),
        Day(3, 7, new VolumeSlot(1, 7, 7, 1)),
        Day(3, 6, new VolumeSlot(0, 1, 1, 1)),
    ];

    [Fact]
    public void Two_days_with_missing_slots_and_a_late_first_trade()
    {
        var average = Assert.Single(RvolAverages.Calculate(History, Target, [2]));

        Assert.Equal(2, average.Lookback);
        Assert.Equal(2, average.DaysUsed);
        Assert.Equal(192, average.Slots.Count);
        Assert.Equal(50, At(average, 0)); // (100 + 0) / 2
        Assert.Equal(50, At(average, 1)); // forward-filled 100 and 0
        Assert.Equal(75, At(average, 2)); // (150 + 0) / 2
        Assert.Equal(75, At(average, 65));
        Assert.Equal(225, At(average, 66)); // (150 + 300) / 2
        Assert.Equal(240, At(average, 190)); // (150 + 330) / 2
        Assert.Equal(245, At(average, 191)); // (160 + 330) / 2
    }

    [Fact]
    public void Averages_are_truncated_not_rounded()
    {
        var average = Assert.Single(RvolAverages.Calculate(History, Target, [3]));

        Assert.Equal(3, average.DaysUsed);
        Assert.Equal(33, At(average, 0)); // 100 / 3 = 33.33
        Assert.Equal(35, At(average, 1)); // (100 + 0 + 7) / 3 = 35.67
        Assert.Equal(52, At(average, 2)); // (150 + 0 + 7) / 3 = 52.33
        Assert.Equal(152, At(average, 66)); // 457 / 3 = 152.33
        Assert.Equal(162, At(average, 67)); // 487 / 3 = 162.33
        Assert.Equal(165, At(average, 191)); // 497 / 3 = 165.67
    }

    [Fact]
    public void A_symbol_with_fewer_days_than_the_lookback_is_averaged_over_the_days_it_has()
    {
        var averages = RvolAverages.Calculate(History, Target, [5, 2]);

        Assert.Equal([5, 2], averages.Select(a => a.Lookback));
        var five = averages[0];
        Assert.Equal(4, five.DaysUsed); // 03-12, 03-11, 03-07, 03-06
        Assert.Equal(25, At(five, 0)); // (100 + 0 + 0 + 1) / 4 = 25.25
        Assert.Equal(27, At(five, 1)); // (100 + 0 + 7 + 1) / 4
        Assert.Equal(39, At(five, 2)); // 158 / 4 = 39.5
        Assert.Equal(114, At(five, 66)); // 458 / 4 = 114.5
        Assert.Equal(122, At(five, 67)); // 488 / 4
        Assert.Equal(124, At(five, 191)); // 498 / 4 = 124.5
        Assert.Equal(50, At(averages[1], 0));
    }

    [Fact]
    public void Slots_before_any_trade_and_averages_below_one_are_not_stored()
    {
        VolumeSlotDay[] history =
        [
            Day(3, 12, new VolumeSlot(66, 1, 1, 1), new VolumeSlot(100, 4, 5, 1)),
            Day(3, 11, new VolumeSlot(120, 2, 2, 1)),
        ];

        var average = Assert.Single(RvolAverages.Calculate(history, Target, [2]));

        // Slot 66-99: (1 + 0) / 2 = 0, not stored; 100-119: (5 + 0) / 2 = 2; 120-191: (5 + 2) / 2 = 3.
        Assert.Equal(92, average.Slots.Count);
        Assert.Equal(new SlotAverage(100, 2), average.Slots[0]);
        Assert.Equal(new SlotAverage(119, 2), average.Slots[19]);
        Assert.Equal(new SlotAverage(120, 3), average.Slots[20]);
        Assert.Equal(new SlotAverage(191, 3), average.Slots[^1]);
    }

    [Fact]
    public void The_window_is_anchored_on_the_target_date_not_on_the_latest_data()
    {
        var average = Assert.Single(RvolAverages.Calculate(History, new DateOnly(2025, 3, 11), [1]));
        Assert.Equal(1, average.DaysUsed);
        Assert.Equal(126, average.Slots.Count); // 03-11 alone: slots 66-191
        Assert.Equal(new SlotAverage(66, 300), average.Slots[0]);
    }

    [Fact]
    public void Default_lookback_is_five_days()
    {
        var average = Assert.Single(RvolAverages.Calculate(History, Target));
        Assert.Equal(5, average.Lookback);
        Assert.Equal(4, average.DaysUsed);
    }

    [Fact]
    public void A_symbol_without_slot_data_has_empty_averages()
    {
        var average = Assert.Single(RvolAverages.Calculate([Day(3, 12)], Target, [5]));
        Assert.Equal(0, average.DaysUsed);
        Assert.Empty(average.Slots);
    }

    [Fact]
    public void The_matrix_form_gives_the_same_numbers()
    {
        // Three days, most recent first: 10 everywhere, 0 then 20 from slot 96, 5 everywhere.
        var matrix = new long[3 * 192];
        matrix.AsSpan(0, 192).Fill(10);
        matrix.AsSpan(192 + 96, 96).Fill(20);
        matrix.AsSpan(2 * 192, 192).Fill(5);
        var averages = new long[2 * 192];
        var daysUsed = new int[2];

        RvolAverages.Compute(matrix, [2, 20], averages, daysUsed);

        Assert.Equal([2, 3], daysUsed);
        Assert.Equal(5, averages[0]); // (10 + 0) / 2
        Assert.Equal(15, averages[96]); // (10 + 20) / 2
        Assert.Equal(5, averages[192]); // (10 + 0 + 5) / 3
        Assert.Equal(11, averages[192 + 191]); // (10 + 20 + 5) / 3 = 11.67
    }

    [Fact]
    public void Bad_input_is_refused_with_the_reason()
    {
        var ragged = Assert.Throws<ArgumentException>(() => RvolAverages.Compute(new long[100], [5], new long[192], new int[1]));
        Assert.Contains("not a whole number of 192-slot days", ragged.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => RvolAverages.Compute(new long[192], [0], new long[192], new int[1]));
        var twice = Assert.Throws<ArgumentException>(() => RvolAverages.Calculate([History[1], History[1]], Target));
        Assert.Contains("2025-03-12 twice", twice.Message, StringComparison.Ordinal);
    }
}
