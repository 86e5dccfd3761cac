using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.MarketData.Sample.Tests;

public sealed class SampleMarketTests : IDisposable
{
    private const int Tickers = 300;
    private const int Seed = 7;

    // Thanksgiving week 2025: Thursday 27 closed, Friday 28 closes at 13:00.
    private static readonly DateOnly From = new(2025, 11, 24);
    private static readonly DateOnly To = new(2025, 12, 2);
    private static readonly DateOnly EarlyClose = new(2025, 11, 28);

    private readonly SampleFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Same_seed_gives_the_same_bytes_whether_a_range_or_one_day_is_written()
    {
        using var single = new SampleFolder();
        using var otherSeed = new SampleFolder();
        var ct = TestContext.Current.CancellationToken;

        await SampleMarket.WriteAsync(_folder.Path, From, To, Tickers, Seed, cancellationToken: ct);
        await SampleMarket.WriteAsync(single.Path, EarlyClose, EarlyClose, Tickers, Seed, cancellationToken: ct);
        await SampleMarket.WriteAsync(otherSeed.Path, EarlyClose, EarlyClose, Tickers, Seed + 1, cancellationToken: ct);

        Assert.Equal(
            await File.ReadAllBytesAsync(_folder.Layout.MinuteAggregatesPath(EarlyClose), ct),
            await File.ReadAllBytesAsync(single.Layout.MinuteAggregatesPath(EarlyClose), ct));
        Assert.Equal(
            await File.ReadAllBytesAsync(_folder.Layout.DayAggregatesPath(EarlyClose), ct),
            await File.ReadAllBytesAsync(single.Layout.DayAggregatesPath(EarlyClose), ct));
        Assert.NotEqual(
            await File.ReadAllBytesAsync(_folder.Layout.MinuteAggregatesPath(EarlyClose), ct),
            await File.ReadAllBytesAsync(otherSeed.Layout.MinuteAggregatesPath(EarlyClose), ct));
    }

    [Fact]
    public async Task Only_trading_days_get_files_and_existing_days_are_kept()
    {
        var ct = TestContext.Current.CancellationToken;

        var first = await SampleMarket.WriteAsync(_folder.Path, From, To, Tickers, Seed, cancellationToken: ct);
        var second = await SampleMarket.WriteAsync(_folder.Path, From, To, Tickers, Seed, cancellationToken: ct);

        DateOnly[] tradingDays = [new(2025, 11, 24), new(2025, 11, 25), new(2025, 11, 26), new(2025, 11, 28), new(2025, 12, 1), new(2025, 12, 2)];
        Assert.Equal(tradingDays, new FlatFileLayout(_folder.Path).DaysWithDayAggregates().Order());
        Assert.All(tradingDays, d => Assert.True(File.Exists(_folder.Layout.MinuteAggregatesPath(d))));
        Assert.Equal((6, 0), (first.DaysWritten, first.DaysKept));
        Assert.Equal((0, 6, 0L), (second.DaysWritten, second.DaysKept, second.MinuteBars));
        Assert.InRange(first.MinuteBars / 6.0 / Tickers, 60, 400);
    }

    [Fact]
    public async Task Bars_lie_in_the_extended_session_and_early_closes_end_at_17_00()
    {
        var ct = TestContext.Current.CancellationToken;
        var regularDay = new DateOnly(2025, 11, 26);
        await SampleMarket.WriteAsync(_folder.Path, regularDay, EarlyClose, Tickers, Seed, cancellationToken: ct);

        var regular = await NewYorkMinutesAsync(regularDay);
        var early = await NewYorkMinutesAsync(EarlyClose);

        Assert.All(regular, t => Assert.InRange(t, new TimeOnly(4, 0), new TimeOnly(19, 59)));
        Assert.Contains(regular, t => t < new TimeOnly(9, 30));
        Assert.Contains(regular, t => t >= new TimeOnly(16, 0));
        Assert.Contains(regular, t => t >= new TimeOnly(19, 0));

        Assert.All(early, t => Assert.InRange(t, new TimeOnly(4, 0), new TimeOnly(16, 59)));
        Assert.Contains(early, t => t >= new TimeOnly(13, 0));
        // After 13:00 it is after-hours trading: far fewer bars per minute than in the regular session.
        var regularPerMinute = early.Count(t => t >= new TimeOnly(9, 30) && t < new TimeOnly(13, 0)) / 210.0;
        var afterHoursPerMinute = early.Count(t => t >= new TimeOnly(13, 0)) / 240.0;
        Assert.True(afterHoursPerMinute < regularPerMinute / 4, $"after-hours {afterHoursPerMinute:F1} vs regular {regularPerMinute:F1} bars per minute");
    }

    [Fact]
    public async Task Regular_session_volume_is_U_shaped()
    {
        var day = new DateOnly(2025, 11, 25);
        await SampleMarket.WriteAsync(_folder.Path, day, day, Tickers, Seed, cancellationToken: TestContext.Current.CancellationToken);
        var volumeByMinute = new Dictionary<TimeOnly, long>();
        await foreach (var ticker in ReadMinutesAsync(day))
        {
            foreach (var bar in ticker.Bars)
            {
                var t = NewYorkTime(bar.StartUtc);
                volumeByMinute[t] = volumeByMinute.GetValueOrDefault(t) + bar.Volume;
            }
        }

        long Between(int fromHour, int fromMinute, int minutes) =>
            Enumerable.Range(0, minutes).Sum(m => volumeByMinute.GetValueOrDefault(new TimeOnly(fromHour, fromMinute).AddMinutes(m)));

        var open = Between(9, 30, 30);
        var midday = Between(12, 30, 30);
        var close = Between(15, 30, 30);
        var preMarket = Between(6, 0, 30);
        Assert.True(open > 1.5 * midday, $"open {open} vs midday {midday}");
        Assert.True(close > 1.5 * midday, $"close {close} vs midday {midday}");
        Assert.True(midday > 3 * preMarket, $"midday {midday} vs pre-market {preMarket}");
    }

    [Fact]
    public async Task Delisted_tickers_are_absent_after_their_date_and_new_listings_before_theirs()
    {
        var universe = SampleUniverse.Create(Tickers, Seed);
        var calendar = TradingCalendar.Nyse;
        // Liquid enough that they surely trade on their own first and last day.
        var delisted = universe.Tickers.First(t => t.DelistedAfter is { } d && calendar.IsTradingDay(d) && t.Liquidity >= 0.1);
        var listed = universe.Tickers.First(t => t.ListedOn is { } d && calendar.IsTradingDay(d) && t.Liquidity >= 0.1);
        var ct = TestContext.Current.CancellationToken;

        var lastDay = delisted.DelistedAfter!.Value;
        var afterLast = calendar.NextTradingDay(lastDay);
        await SampleMarket.WriteAsync(_folder.Path, calendar.PreviousTradingDay(lastDay), afterLast, Tickers, Seed, cancellationToken: ct);
        var firstDay = listed.ListedOn!.Value;
        var beforeFirst = calendar.PreviousTradingDay(firstDay);
        await SampleMarket.WriteAsync(_folder.Path, beforeFirst, firstDay, Tickers, Seed, cancellationToken: ct);
        var source = new FlatFilesSource(_folder.Layout, calendar);

        async Task<bool> TradesOn(string symbol, DateOnly day) =>
            (await source.GetDailyBarsAsync(day, ct)).Bars.Any(b => b.Symbol == symbol);

        Assert.True(await TradesOn(delisted.Symbol, lastDay));
        Assert.False(await TradesOn(delisted.Symbol, afterLast));
        Assert.False(await TradesOn(listed.Symbol, beforeFirst));
        Assert.True(await TradesOn(listed.Symbol, firstDay));
    }

    [Fact]
    public async Task Day_bars_are_the_aggregate_of_the_minute_bars_and_quiet_tickers_have_gaps()
    {
        var day = new DateOnly(2025, 12, 1);
        await SampleMarket.WriteAsync(_folder.Path, day, day, Tickers, Seed, cancellationToken: TestContext.Current.CancellationToken);
        var source = new FlatFilesSource(_folder.Layout, TradingCalendar.Nyse);
        var daily = (await source.GetDailyBarsAsync(day, TestContext.Current.CancellationToken)).Bars.ToDictionary(b => b.Symbol);
        var universe = SampleUniverse.Create(Tickers, Seed);
        var minuteTickers = 0;

        await foreach (var ticker in ReadMinutesAsync(day))
        {
            minuteTickers++;
            var bar = daily[ticker.Symbol];
            Assert.Equal(ticker.Bars[0].Open, bar.Open);
            Assert.Equal(ticker.Bars[^1].Close, bar.Close);
            Assert.Equal(ticker.Bars.Max(b => b.High), bar.High);
            Assert.Equal(ticker.Bars.Min(b => b.Low), bar.Low);
            Assert.Equal(ticker.Bars.Sum(b => b.Volume), bar.Volume);
            Assert.Equal(ticker.Bars.Sum(b => b.Trades), bar.Trades);
            Assert.All(ticker.Bars, b => Assert.True(b.Low <= Math.Min(b.Open, b.Close) && b.High >= Math.Max(b.Open, b.Close) && b.Low > 0));
        }

        Assert.Equal(daily.Count, minuteTickers);
        var listedToday = universe.Tickers.Count(t => t.IsListedOn(day));
        Assert.True(daily.Count < listedToday, "some quiet tickers do not trade at all on a day");
        var quiet = universe.Tickers.Where(t => t.Liquidity < 0.2 && daily.ContainsKey(t.Symbol)).ToList();
        Assert.NotEmpty(quiet);
    }

    private async Task<List<TimeOnly>> NewYorkMinutesAsync(DateOnly day)
    {
        var times = new List<TimeOnly>();
        await foreach (var ticker in ReadMinutesAsync(day))
        {
            times.AddRange(ticker.Bars.Select(b => NewYorkTime(b.StartUtc)));
        }

        return times;
    }

    private IAsyncEnumerable<TickerMinuteBars> ReadMinutesAsync(DateOnly day) =>
        new FlatFilesSource(_folder.Layout, TradingCalendar.Nyse).ReadMinuteBarsAsync(day, new SkippedRows(), TestContext.Current.CancellationToken);

    private static TimeOnly NewYorkTime(DateTime utc) =>
        TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, TradingCalendar.NewYork));
}
