using Maintenance.Core;

namespace Maintenance.Core.Tests;

public class VolumeAveragesTests
{
    private static readonly DateOnly Target = new(2025, 12, 1);

    /// <summary>The 30 trading days ending at 2025-12-01, oldest first (2025-10-20 ... 2025-12-01, Thanksgiving left out).</summary>
    private static readonly DateOnly[] Sessions = [.. TradingCalendar.Nyse.TradingDays(new DateOnly(2025, 9, 1), Target).TakeLast(30)];

    private static DailyBar Bar(int session, long volume, double close) =>
        new("ABC", Sessions[session], close, close, close, close, volume, null, 1);

    [Fact]
    public void The_window_is_the_calendars_last_30_sessions()
    {
        Assert.Equal(30, Sessions.Length);
        Assert.Equal(new DateOnly(2025, 10, 20), Sessions[0]);
        Assert.DoesNotContain(new DateOnly(2025, 11, 27), Sessions);
        Assert.Equal(Target, Sessions[^1]);
    }

    [Fact]
    public void Thirty_ten_and_five_sessions_of_a_symbol_that_traded_every_day()
    {
        // Volume 1000 * (i + 1) and close 10 + 0.5 i on session i (0 = oldest).
        var bars = Enumerable.Range(0, 30).Select(i => Bar(i, 1000L * (i + 1), 10 + (0.5 * i))).ToList();

        var averages = VolumeAverages.Calculate("ABC", bars, Sessions);

        Assert.Equal(new VolumeAverage("ABC", 15_500, 25_500, 28_000, 17.25, 30), averages);
    }

    [Fact]
    public void Means_are_truncated_and_the_price_is_rounded_to_4_decimals()
    {
        // Volumes 1, 2, 2, 2, 2, 2 (11 / 6 = 1.83; last five 10 / 5 = 2); closes 1, 1, 1, 1, 2, 2 (8 / 6 = 1.33333).
        long[] volumes = [1, 2, 2, 2, 2, 2];
        double[] closes = [1, 1, 1, 1, 2, 2];
        var bars = Enumerable.Range(0, 6).Select(i => Bar(24 + i, volumes[i], closes[i])).ToList();

        var averages = VolumeAverages.Calculate("ABC", bars, Sessions);

        Assert.Equal(new VolumeAverage("ABC", 1, 1, 2, 1.3333, 6), averages);
    }

    [Fact]
    public void A_session_without_a_bar_is_left_out_not_counted_as_zero()
    {
        // Traded on the 20 oldest sessions only (halted since): nothing in the last 10.
        var bars = Enumerable.Range(0, 20).Select(i => Bar(i, 1000L * (i + 1), 5)).ToList();

        var averages = VolumeAverages.Calculate("ABC", bars, Sessions);

        Assert.Equal(new VolumeAverage("ABC", 10_500, null, null, 5, 20), averages);
    }

    [Fact]
    public void A_fresh_listing_is_averaged_over_its_days_from_five_on()
    {
        var five = Enumerable.Range(25, 5).Select(i => Bar(i, 100L * i, 2)).ToList();
        var four = five.Skip(1).ToList();

        // Sessions 25-29: volumes 2500, 2600, 2700, 2800, 2900.
        Assert.Equal(new VolumeAverage("ABC", 2_700, 2_700, 2_700, 2, 5), VolumeAverages.Calculate("ABC", five, Sessions));
        Assert.Null(VolumeAverages.Calculate("ABC", four, Sessions));
    }

    [Fact]
    public void Bars_outside_the_sessions_are_ignored()
    {
        var bars = Enumerable.Range(0, 30).Select(i => Bar(i, 10, 1)).ToList();
        bars.Add(new DailyBar("ABC", Target.AddDays(1), 9, 9, 9, 9, 1_000_000, null, 1));
        bars.Add(new DailyBar("ABC", Sessions[0].AddDays(-3), 9, 9, 9, 9, 1_000_000, null, 1));

        Assert.Equal(new VolumeAverage("ABC", 10, 10, 10, 1, 30), VolumeAverages.Calculate("ABC", bars, Sessions));
    }

    [Fact]
    public void The_closes_are_added_oldest_first_whatever_order_the_bars_come_in()
    {
        // Oldest first the sum is 105.90929999999999 (mean 17.651549999999997, rounded down); newest first it is
        // 105.9093 (mean 17.65155, rounded up).
        double[] closes = [15.9053, 14.8982, 26.181, 26.4915, 20.6231, 1.8102];
        var bars = Enumerable.Range(0, 6).Select(i => Bar(24 + i, 1, closes[i])).ToList();
        var newestFirst = Enumerable.Reverse(bars).ToList();

        Assert.Equal(new VolumeAverage("ABC", 1, 1, 1, 17.6515, 6), VolumeAverages.Calculate("ABC", bars, Sessions));
        Assert.Equal(new VolumeAverage("ABC", 1, 1, 1, 17.6515, 6), VolumeAverages.Calculate("ABC", newestFirst, Sessions));
    }

    [Fact]
    public void Bars_laid_out_by_session_give_what_the_bars_give()
    {
        VolumeAndClose?[] bySession = new VolumeAndClose?[30];
        bySession[0] = new VolumeAndClose(7, 1.25);
        bySession[21] = new VolumeAndClose(11, 2.5);
        bySession[26] = new VolumeAndClose(5, 3);
        bySession[28] = new VolumeAndClose(4, 4.125);
        bySession[29] = new VolumeAndClose(3, 0.0625);
        var bars = bySession.Select((b, i) => (b, i)).Where(p => p.b is not null)
            .Select(p => Bar(p.i, p.b!.Value.Volume, p.b.Value.Close)).ToList();

        // 30 sessions: 30 / 5 = 6; last 10 (sessions 20-29): 23 / 4 = 5.75; last 5 (25-29): 12 / 3 = 4; closes 10.9375 / 5.
        var expected = new VolumeAverage("SYM", 6, 5, 4, 2.1875, 5);
        Assert.Equal(expected, VolumeAverages.FromSessions("SYM", bySession));
        Assert.Equal(expected, VolumeAverages.Calculate("SYM", bars, Sessions));
    }

    [Fact]
    public void Only_the_last_30_sessions_of_a_longer_layout_count()
    {
        var bySession = Enumerable.Range(0, 35).Select(i => (VolumeAndClose?)new VolumeAndClose(i < 5 ? 1_000_000 : 10, 1)).ToArray();

        Assert.Equal(new VolumeAverage("ABC", 10, 10, 10, 1, 30), VolumeAverages.FromSessions("ABC", bySession));
    }

    [Fact]
    public void The_same_as_the_plain_formula_on_many_random_symbols()
    {
        // The formula as first written: the bars in the window in date order, decimal means truncated, the mean
        // close by Enumerable.Average rounded half away from zero.
        static VolumeAverage? Plain(string symbol, List<DailyBar> bars)
        {
            var used = bars.Where(b => Sessions.Contains(b.Date)).OrderBy(b => b.Date).ToList();
            static long? Mean(List<DailyBar> some) => some.Count == 0 ? null : (long)(some.Sum(b => (decimal)b.Volume) / some.Count);
            return used.Count < 5 ? null : new VolumeAverage(
                symbol,
                Mean(used),
                Mean([.. used.Where(b => b.Date >= Sessions[20])]),
                Mean([.. used.Where(b => b.Date >= Sessions[25])]),
                Math.Round(used.Average(b => b.Close), 4, MidpointRounding.AwayFromZero),
                used.Count);
        }

        var random = new Random(13);
        for (var s = 0; s < 2_000; s++)
        {
            var bars = Enumerable.Range(0, 30).Where(_ => random.Next(4) > 0)
                .Select(i => Bar(i, random.NextInt64(0, 50_000_000_000), Math.Round(random.NextDouble() * 300, random.Next(1, 5))))
                .OrderBy(_ => random.Next()).ToList();

            Assert.Equal(Plain("ABC", bars), VolumeAverages.Calculate("ABC", bars, Sessions));
        }
    }
}

public class ServedSessionTests
{
    [Theory]
    [InlineData("2025-12-01", "2025-12-02")] // Monday: Tuesday's session
    [InlineData("2025-11-28", "2025-12-01")] // Friday (early close): Monday
    [InlineData("2025-11-26", "2025-11-28")] // the day before Thanksgiving: Friday
    [InlineData("2025-12-31", "2026-01-02")] // over New Year's Day
    public void The_session_served_is_the_first_trading_day_after_the_target(string target, string session)
    {
        Assert.Equal(DateOnly.Parse(session, System.Globalization.CultureInfo.InvariantCulture),
            ServedSession.For(TradingCalendar.Nyse, DateOnly.Parse(target, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Caches_never_move_back_to_an_older_session()
    {
        var served = new DateOnly(2025, 12, 2);

        Assert.True(ServedSession.MayReplace(null, served));
        Assert.True(ServedSession.MayReplace(served, served)); // a re-run of the same date
        Assert.True(ServedSession.MayReplace(served, new DateOnly(2025, 12, 3)));
        Assert.False(ServedSession.MayReplace(served, new DateOnly(2025, 12, 1))); // a backfill
    }
}
