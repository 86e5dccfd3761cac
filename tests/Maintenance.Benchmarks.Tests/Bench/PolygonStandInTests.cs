using Maintenance.Benchmarks.Bench.Rest;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Benchmarks.Tests.Bench;

/// <summary>The project's own Polygon client reads from the stand-in exactly what the flat files hold, through its trouble.</summary>
public sealed class PolygonStandInTests : IDisposable
{
    private static readonly DateOnly Day = new(2025, 11, 25);
    private readonly string _folder = Directory.CreateTempSubdirectory("maintenance-standin-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_rest_client_gets_every_bar_of_the_files_despite_429s_503s_and_slow_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        await SampleMarket.WriteAsync(_folder, Day, Day, 40, 3, cancellationToken: ct);
        var layout = new FlatFileLayout(_folder);
        await using var standIn = await PolygonStandIn.StartAsync(layout, SampleUniverse.Create(40, 3));
        // Under the client's circuit breaker (10 % failures): more trouble than that opens it, as it would with Polygon.
        standIn.Faults = new StandInFaults(RateLimitedEvery: 25, FailingEvery: 40, SlowEvery: 20, SlowDelay: TimeSpan.FromMilliseconds(200), RetryAfterSeconds: 1);
        await using var services = new ServiceCollection().AddMarketData(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MarketData:Source"] = "PolygonRest",
            ["MarketData:PolygonBaseUrl"] = standIn.BaseUrl.AbsoluteUri,
            ["MarketData:PolygonApiKey"] = "stand-in",
            ["MarketData:PolygonRetryDelay"] = "00:00:00.050",
        }).Build()).BuildServiceProvider();
        var rest = services.GetRequiredService<IMarketDataSource>();
        var files = new FlatFilesSource(layout, TradingCalendar.Nyse);

        var expected = await BarsAsync(files, ct);
        var actual = await BarsAsync(rest, ct);
        var daily = await rest.GetDailyBarsAsync(Day, ct);
        var symbols = daily.Bars.Select(b => b.Symbol).ToList();
        var details = await Task.WhenAll(symbols.Select(s => rest.GetTickerDetailsAsync(s, ct)));
        var tally = standIn.Counters.Snapshot();

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, e => Assert.Equal(e.Value, actual[e.Key]));
        Assert.Equal((await files.GetDailyBarsAsync(Day, ct)).Bars.Select(b => b.Symbol).Order(StringComparer.Ordinal), daily.Bars.Select(b => b.Symbol).Order(StringComparer.Ordinal));
        // Every ticker's details, asked all at once through the same trouble, as Polygon gives them (market included).
        Assert.Equal(symbols, details.Select(d => d?.Symbol));
        Assert.All(details, d => Assert.Equal(("stocks", "us"), (d!.Market, d.Locale)));
        Assert.True(tally.RateLimited > 0 && tally.Failing > 0 && tally.Slow > 0, $"trouble met: {tally}");
        Assert.True(tally.MinuteCalls > expected.Count, "more than one page for some tickers");
    }

    private static async Task<Dictionary<string, MinuteBar[]>> BarsAsync(IMarketDataSource source, CancellationToken ct)
    {
        var bars = new Dictionary<string, MinuteBar[]>(StringComparer.Ordinal);
        await foreach (var ticker in source.ReadMinuteBarsAsync(Day, new SkippedRows(), ct))
        {
            bars[ticker.Symbol] = ticker.Bars;
        }

        return bars;
    }
}
