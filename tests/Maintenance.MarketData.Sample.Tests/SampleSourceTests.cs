using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Maintenance.Data.Storage;

namespace Maintenance.MarketData.Sample.Tests;

public sealed class SampleSourceTests : IDisposable
{
    private static readonly DateOnly Day = new(2025, 11, 25);

    // Wednesday 2025-11-26 10:00 New York: the latest finished session is Tuesday the 25th.
    private static readonly FixedTime Now = new(new DateTimeOffset(2025, 11, 26, 15, 0, 0, TimeSpan.Zero));

    private readonly SampleFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_day_is_generated_on_first_use_and_read_back_from_the_same_bytes_the_writer_makes()
    {
        using var source = new SampleSource(_folder.Path, 200, 11, TradingCalendar.Nyse, Now);
        using var written = new SampleFolder();
        var ct = TestContext.Current.CancellationToken;
        Assert.True(source.HasDailyBars(Day));
        Assert.False(File.Exists(source.Layout.DayAggregatesPath(Day)));

        var first = await source.GetDailyBarsAsync(Day, ct);
        var stamp = File.GetLastWriteTimeUtc(source.Layout.DayAggregatesPath(Day));
        var second = await source.GetDailyBarsAsync(Day, ct);
        await SampleMarket.WriteAsync(written.Path, Day, Day, 200, 11, cancellationToken: ct);

        Assert.Equal(Path.Combine(_folder.Path, "seed-11-tickers-200"), source.Layout.Root);
        Assert.InRange(first.Bars.Count, 150, 200);
        Assert.Equal(first.Bars, second.Bars);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(source.Layout.DayAggregatesPath(Day)));
        Assert.Equal(
            await File.ReadAllBytesAsync(written.Layout.MinuteAggregatesPath(Day), ct),
            await File.ReadAllBytesAsync(source.Layout.MinuteAggregatesPath(Day), ct));

        var minuteTickers = new List<string>();
        await foreach (var bars in source.ReadMinuteBarsAsync(Day, new SkippedRows(), ct))
        {
            minuteTickers.Add(bars.Symbol);
        }

        Assert.Equal(first.Bars.Select(b => b.Symbol), minuteTickers);
    }

    [Fact]
    public async Task Days_that_are_not_trading_days_have_no_data()
    {
        using var source = new SampleSource(_folder.Path, 50, 11, TradingCalendar.Nyse, Now);
        var thanksgiving = new DateOnly(2025, 11, 27);

        Assert.False(source.HasDailyBars(thanksgiving));
        Assert.False(source.HasMinuteBars(new DateOnly(2025, 11, 29)));
        var error = await Assert.ThrowsAsync<MarketDataMissingException>(() => source.GetDailyBarsAsync(thanksgiving, TestContext.Current.CancellationToken));
        Assert.Contains("2025-11-27: it is not a trading day", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticker_details_are_deterministic_synthetic_reference_data()
    {
        using var source = new SampleSource(_folder.Path, 200, 11, TradingCalendar.Nyse, Now);
        using var again = new SampleSource(_folder.Path, 200, 11, TradingCalendar.Nyse, Now);
        var ct = TestContext.Current.CancellationToken;
        var stock = source.Universe.Tickers.First(t => t.Type == "CS" && t.DelistedAfter is null && t.ListedOn is null && t.Liquidity >= 0.1);

        var details = await source.GetTickerDetailsAsync(stock.Symbol, ct);

        Assert.NotNull(details);
        Assert.Equal(details, await again.GetTickerDetailsAsync(stock.Symbol, ct));
        Assert.Equal((stock.Symbol, stock.Name, stock.Exchange, "CS", true), (details.Symbol, details.Name, details.Exchange, details.Type, details.Active));
        Assert.Equal((stock.SharesOutstanding, stock.FloatShares), (details.SharesOutstanding!.Value, details.FloatShares!.Value));
        Assert.Equal(SicSectors.SectorOf(stock.SicCode), details.Sector);
        Assert.Equal(stock.SicDescription, details.Industry);
        Assert.NotNull(details.Sector);
        Assert.Matches("^[0-9]{10}$", details.Cik);

        // The market cap is the shares at the walk's close of the latest finished session (the 25th),
        // which the day's last trade is close to.
        var price = SamplePrices.Close(stock, 11, Day);
        Assert.Equal(Math.Round(stock.SharesOutstanding * price, 2), details.MarketCap);
        var lastTrade = (await source.GetDailyBarsAsync(Day, ct)).Bars.Single(b => b.Symbol == stock.Symbol).Close;
        Assert.InRange(lastTrade / price, 0.9, 1.1);

        Assert.Null(await source.GetTickerDetailsAsync("NOT-A-TICKER", ct));
    }

    [Fact]
    public async Task Ticker_details_carry_a_company_profile_like_polygons_with_etfs_and_some_stocks_without_one()
    {
        using var source = new SampleSource(_folder.Path, 400, 11, TradingCalendar.Nyse, Now);
        using var again = new SampleSource(_folder.Path, 400, 11, TradingCalendar.Nyse, Now);
        var ct = TestContext.Current.CancellationToken;
        var all = new List<Ticker>();
        foreach (var ticker in source.Universe.Tickers)
        {
            var details = await source.GetTickerDetailsAsync(ticker.Symbol, ct);
            Assert.NotNull(details);
            Assert.Equal(details, await again.GetTickerDetailsAsync(ticker.Symbol, ct));
            all.Add(details);
        }

        // Every ticker: the identifiers and the market.
        Assert.All(all, d =>
        {
            Assert.Equal(("usd", "us", "stocks", 100, d.Symbol), (d.CurrencyName, d.Locale, d.Market, d.RoundLot, d.TickerRoot));
            Assert.Matches("^BBG[0-9B-DF-HJ-NP-TV-Z]{9}$", d.CompositeFigi);
            Assert.Matches("^BBG[0-9B-DF-HJ-NP-TV-Z]{9}$", d.ShareClassFigi);
            Assert.NotNull(d.ListDate);
        });

        // ETFs: type ETF, a description, no address, phone, employees or logo.
        var etfs = all.Where(d => d.Type == "ETF").ToList();
        Assert.InRange(etfs.Count, 20, 70);
        Assert.All(etfs, d =>
        {
            Assert.NotNull(d.Description);
            Assert.Equal((null, null, null, null, null), (d.Address1, d.City, d.PhoneNumber, d.TotalEmployees, d.LogoUrl));
        });

        // Stocks: most with the whole profile, some (about 12%) with none.
        var stocks = all.Where(d => d.Type != "ETF").ToList();
        var withProfile = stocks.Where(d => d.Description is not null).ToList();
        var without = stocks.Count - withProfile.Count;
        Assert.InRange(without, stocks.Count * 0.05, stocks.Count * 0.2);
        Assert.All(stocks.Where(d => d.Description is null), d => Assert.Equal((null, null, null), (d.Address1, d.HomepageUrl, d.TotalEmployees)));
        Assert.All(withProfile, d =>
        {
            Assert.Matches("^https://www\\.[a-z]+\\.example\\.com$", d.HomepageUrl);
            Assert.Matches("^\\(555\\) [0-9]{3}-[0-9]{4}$", d.PhoneNumber);
            Assert.Matches("^[0-9]+ [A-Z ]+$", d.Address1);
            Assert.NotNull(d.City);
            Assert.Matches("^[A-Z]{2}$", d.State);
            Assert.Matches("^[0-9]{5}$", d.PostalCode);
            Assert.InRange(d.TotalEmployees!.Value, 5, 400_000);
            Assert.Equal($"https://branding.example.com/{d.Symbol}/logo.svg", d.LogoUrl);
            Assert.Equal($"https://branding.example.com/{d.Symbol}/icon.png", d.IconUrl);
        });

        // A ticker delisted before the latest session says when.
        var gone = source.Universe.Tickers.First(t => t.DelistedAfter is { } last && last < Day);
        var goneDetails = all.Single(d => d.Symbol == gone.Symbol);
        Assert.Equal(new DateTimeOffset(gone.DelistedAfter!.Value.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), goneDetails.DelistedUtc);
        Assert.All(all.Where(d => d.Active), d => Assert.Null(d.DelistedUtc));
    }

    [Fact]
    public async Task The_tickers_list_holds_only_tickers_listed_on_the_day()
    {
        using var source = new SampleSource(_folder.Path, 500, 11, TradingCalendar.Nyse, Now);
        var ct = TestContext.Current.CancellationToken;
        var delisted = source.Universe.Tickers.First(t => t.DelistedAfter is not null);
        var listed = source.Universe.Tickers.First(t => t.ListedOn is not null);

        async Task<HashSet<string>> ListAsync(DateOnly? asOf)
        {
            var symbols = new HashSet<string>();
            await foreach (var info in source.ListTickersAsync(asOf, ct))
            {
                symbols.Add(info.Symbol);
            }

            return symbols;
        }

        Assert.Contains(delisted.Symbol, await ListAsync(delisted.DelistedAfter));
        Assert.DoesNotContain(delisted.Symbol, await ListAsync(delisted.DelistedAfter!.Value.AddDays(1)));
        Assert.DoesNotContain(listed.Symbol, await ListAsync(listed.ListedOn!.Value.AddDays(-1)));
        Assert.Contains(listed.Symbol, await ListAsync(listed.ListedOn));
        Assert.Equal(source.Universe.Tickers.Count(t => t.IsListedOn(Day)), (await ListAsync(null)).Count);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
