using System.Text.Json.Nodes;
using System.Threading.Channels;
using Maintenance.Core;
using Maintenance.Data.Redis;
using Maintenance.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Tests.Redis;

/// <summary>
/// docs/downstream-contract.md over a real redis-server: what the writers put in Redis, read the way the platform's
/// services read it (<see cref="PlatformReaders"/>), compared with figures this test computes itself from the bars it
/// made up, not with the writers' own numbers.
/// </summary>
public sealed class DownstreamContractTests(RedisServer server) : IAsyncLifetime
{
    // The 03:00 run of Tuesday 2025-12-02 maintains Monday 2025-12-01; its caches serve the 2nd.
    private static readonly DateOnly Target = new(2025, 12, 1);
    private static readonly DateOnly Session = new(2025, 12, 2);
    private static readonly DateOnly[] Sessions = [.. TradingCalendar.Nyse.TradingDays(Target.AddDays(-60), Target).TakeLast(30)];
    private static readonly DateTimeOffset UpdatedAt = new DateTimeOffset(2025, 12, 2, 8, 0, 1, 123, TimeSpan.Zero).AddTicks(4567);

    private RedisLease? _lease;
    private ConnectionMultiplexer? _redis;

    private RedisStore Store { get; set; } = null!;

    private IDatabase Db => _redis!.GetDatabase();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _lease = await server.LeaseDatabaseAsync(Ct);
        _redis = await ConnectionMultiplexer.ConnectAsync(_lease.ConnectionString);
        Store = new RedisStore(_redis, NullLogger<RedisStore>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_lease is not null)
        {
            await _lease.DisposeAsync();
        }
    }

    /// <summary>
    /// Made-up bars: AAA trades every session, ETFX too, NEWCO only the last 12 sessions (a fresh listing), TINY 3
    /// (too few for averages); volumes and closes vary from day to day so a wrong window gives a wrong figure.
    /// </summary>
    private static readonly Dictionary<string, List<DailyBar>> Bars = new(StringComparer.Ordinal)
    {
        ["AAA"] = BarsOf("AAA", 0, 1_000_003, 12.5),
        ["ETFX"] = BarsOf("ETFX", 0, 52_000_001, 431.17),
        ["NEWCO"] = BarsOf("NEWCO", 18, 77_777, 3.3),
        ["TINY"] = BarsOf("TINY", 27, 501, 0.41),
    };

    private static List<DailyBar> BarsOf(string symbol, int firstSession, long volume, double close) =>
    [
        .. Enumerable.Range(firstSession, 30 - firstSession).Select(i =>
            new DailyBar(symbol, Sessions[i], close, close * 1.02, close * 0.98, close + (0.37 * (i % 7)), volume + (7_919L * i * i % 100_003), null, 10)),
        // A bar after the target (a later day already loaded) must not count.
        new DailyBar(symbol, Target.AddDays(1), close, close, close, 999, 999_999_999, null, 1),
    ];

    /// <summary>This test's own arithmetic: the mean volume of the bars in the last <paramref name="sessions"/> sessions, truncated.</summary>
    private static long? ExpectedMeanVolume(string symbol, int sessions)
    {
        var from = Sessions[^sessions];
        var volumes = Bars[symbol].Where(b => b.Date >= from && b.Date <= Target).Select(b => b.Volume).ToList();
        return volumes.Count == 0 ? null : volumes.Sum() / volumes.Count;
    }

    private static double ExpectedMeanClose(string symbol) =>
        Math.Round(Bars[symbol].Where(b => b.Date >= Sessions[0] && b.Date <= Target).Average(b => b.Close), 4, MidpointRounding.AwayFromZero);

    private static List<VolumeAverage> Averages() =>
        [.. Bars.Select(p => VolumeAverages.Calculate(p.Key, p.Value, Sessions)).OfType<VolumeAverage>()];

    private static Ticker[] Tickers() =>
    [
        Storage.MarketStoreTests.Detailed("AAA") with { UpdatedAt = UpdatedAt, DelistedUtc = null, TickerSuffix = null },
        new() { Symbol = "ETFX", Name = "Broad Market ETF", Exchange = "ARCX", Type = "ETF", MarketCap = 5.5e11, SharesOutstanding = 1_000_000_000, Description = "Tracks an index.", UpdatedAt = UpdatedAt },
        new() { Symbol = "NEWCO", Name = "New Co", Type = "CS", UpdatedAt = UpdatedAt },
        new() { Symbol = "TINY", Name = "Tiny Inc.", Type = "CS", Active = true, FloatShares = 1_000, UpdatedAt = UpdatedAt },
    ];

    private async Task WriteMetadataAsync()
    {
        var averages = Averages().ToDictionary(a => a.Symbol, StringComparer.Ordinal);
        await Store.SetTickerMetadataAsync(Tickers().Select(t => TickerMetadataDocument.From(t, averages.GetValueOrDefault(t.Symbol))), Ct);
    }

    [Fact]
    public void The_window_is_30_sessions_and_the_made_up_bars_cover_it()
    {
        Assert.Equal(30, Sessions.Length);
        Assert.Equal(Session, ServedSession.For(TradingCalendar.Nyse, Target));
        Assert.Equal(31, Bars["AAA"].Count);
    }

    [Fact]
    public async Task Atr_daily_is_read_by_the_analytics_batch_reader_on_the_session_it_serves_and_dropped_a_day_later()
    {
        AtrValue[] values = [new("AAA", 0.4321987, 3.4575896), new("ETFX", 5.25, 1.2177)];
        string[] symbols = ["AAA", "ETFX", "MISSING"];

        await Store.WriteAtrDailyAsync(values, ServedSession.For(TradingCalendar.Nyse, Target), SymbolShard.All);

        // The readers on the session day (from the 03:00 run on) with the v2 and the head rule: every value.
        var v2 = await PlatformReaders.AtrBatchAsync(Db, symbols, PlatformReaders.LastTradingDayV2(Session), withHeadFallback: false);
        var head = await PlatformReaders.AtrBatchAsync(Db, symbols, PlatformReaders.LastTradingDayHead(Session), withHeadFallback: true);
        Dictionary<string, (double, double?)> expected = new() { ["AAA"] = (0.4321987, 3.4575896), ["ETFX"] = (5.25, 1.2177) };
        Assert.Equal(expected, v2);
        Assert.Equal(expected, head);
        Assert.Equal(
            """{"atr":5.25,"atr_percent":1.2177,"updated":"2025-12-02"}""",
            (string?)await Db.HashGetAsync(RedisKeys.AtrDaily, "ETFX"));

        // The next day the values are stale: the v2 reader drops them all (its caller then recomputes).
        Assert.Empty(await PlatformReaders.AtrBatchAsync(Db, symbols, PlatformReaders.LastTradingDayV2(Session.AddDays(1)), withHeadFallback: false));

        // 24 h TTL, refreshed by each write.
        Assert.InRange((await Db.KeyTimeToLiveAsync(RedisKeys.AtrDaily))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        await Db.KeyExpireAsync(RedisKeys.AtrDaily, TimeSpan.FromMinutes(5));
        await Store.WriteAtrDailyAsync(values, Session, SymbolShard.All);
        Assert.InRange((await Db.KeyTimeToLiveAsync(RedisKeys.AtrDaily))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task Per_symbol_atr_strings_are_the_head_readers_fallback_rounded_to_4_decimals()
    {
        AtrValue[] values = [new("AAA", 12.34567, 3.1), new("BBB", 2, 1.0)];

        await Store.SetAtrStringsAsync(values, Ct);

        Assert.Equal("12.3457", (string?)await Db.StringGetAsync("atr:AAA"));
        Assert.Equal("2.0", (string?)await Db.StringGetAsync("atr:BBB"));
        // No atr:daily at all: the head reader gets both from its MGET fallback.
        var read = await PlatformReaders.AtrBatchAsync(Db, ["AAA", "BBB"], PlatformReaders.LastTradingDayHead(Session), withHeadFallback: true);
        Assert.Equal(new Dictionary<string, (double, double?)> { ["AAA"] = (12.3457, null), ["BBB"] = (2.0, null) }, read);
        Assert.InRange((await Db.KeyTimeToLiveAsync("atr:AAA"))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task Metadata_parses_as_the_TickerMetadata_model_with_every_field_its_type_and_value()
    {
        await WriteMetadataAsync();

        var read = await PlatformReaders.MetadataAsync(Db, ["AAA", "ETFX", "NEWCO", "TINY", "NONE"]);

        Assert.Equal(["AAA", "ETFX", "NEWCO", "TINY"], read.Keys.Order(StringComparer.Ordinal));
        var aaa = read["AAA"];
        // Every field of the model that this project knows, in the model's order; beta and avg_volume_3m it does not.
        Assert.Equal(
        [
            "symbol", "company_name", "exchange", "sector", "industry", "market_cap", "float_shares", "free_float", "free_float_percent",
            "shares_outstanding", "avg_volume_30d", "avg_volume_10d", "avg_volume_5d", "avg_price_30d", "description", "homepage_url",
            "phone_number", "address", "total_employees", "list_date", "logo_url", "icon_url", "cik", "composite_figi", "share_class_figi",
            "ticker_root", "type", "currency_name", "locale", "market", "round_lot", "is_etf", "is_actively_trading", "updated_at", "name", "active",
        ], aaa.Select(p => p.Key));
        Assert.Equal("Apple Inc.", (string?)aaa["company_name"]);
        Assert.Equal(3_980_000_000_000, (long)aaa["market_cap"]!);
        Assert.Equal(14_700_000_000, (long)aaa["float_shares"]!);
        Assert.Equal(14_700_000_000, (long)aaa["free_float"]!);
        Assert.Equal(99.48, (double)aaa["free_float_percent"]!); // 14.7e9 / 14,776,353,000
        Assert.Equal(ExpectedMeanVolume("AAA", 30), (long)aaa["avg_volume_30d"]!);
        Assert.Equal(ExpectedMeanVolume("AAA", 10), (long)aaa["avg_volume_10d"]!);
        Assert.Equal(ExpectedMeanVolume("AAA", 5), (long)aaa["avg_volume_5d"]!);
        Assert.Equal(ExpectedMeanClose("AAA"), (double)aaa["avg_price_30d"]!);
        Assert.Equal("""{"address1":"ONE APPLE PARK WAY","city":"CUPERTINO","state":"CA","postal_code":"95014"}""", aaa["address"]!.ToJsonString());
        Assert.Equal(164_000, (int)aaa["total_employees"]!);
        Assert.Equal("1980-12-12", (string?)aaa["list_date"]);
        Assert.Equal(100, (int)aaa["round_lot"]!);
        Assert.False((bool)aaa["is_etf"]!);
        Assert.True((bool)aaa["is_actively_trading"]!);
        Assert.Equal("2025-12-02T08:00:01.123456+00:00", (string?)aaa["updated_at"]);
        // Written as Python writes it, not escaped (a reader matching the raw text sees the same bytes).
        Assert.Contains("\"updated_at\":\"2025-12-02T08:00:01.123456+00:00\"", (string?)await Db.StringGetAsync("metadata:ticker:AAA"), StringComparison.Ordinal);

        var etf = read["ETFX"];
        Assert.True((bool)etf["is_etf"]!);
        Assert.Equal("ETF", (string?)etf["type"]);
        Assert.Equal(550_000_000_000, (long)etf["market_cap"]!);
        Assert.Null(etf["address"]);
        Assert.Null(etf["free_float"]);
        Assert.Equal(ExpectedMeanVolume("ETFX", 30), (long)etf["avg_volume_30d"]!);

        // A fresh listing without details: averages over the 12 sessions it has, no profile keys.
        var fresh = read["NEWCO"];
        Assert.Equal(ExpectedMeanVolume("NEWCO", 30), (long)fresh["avg_volume_30d"]!);
        Assert.Equal(ExpectedMeanVolume("NEWCO", 10), (long)fresh["avg_volume_10d"]!);
        Assert.Equal(["symbol", "company_name", "avg_volume_30d", "avg_volume_10d", "avg_volume_5d", "avg_price_30d", "type", "is_etf", "is_actively_trading", "updated_at", "name", "active"],
            fresh.Select(p => p.Key));

        // Too few days for averages: none, and the float without shares outstanding has no percentage.
        Assert.Equal(["symbol", "company_name", "float_shares", "free_float", "type", "is_etf", "is_actively_trading", "updated_at", "name", "active"],
            read["TINY"].Select(p => p.Key));
        Assert.Null(await Db.KeyTimeToLiveAsync("metadata:ticker:AAA"));
    }

    [Fact]
    public async Task Volume_averages_read_as_the_python_sync_redis_wrote_them()
    {
        await Store.SetVolumeAveragesAsync(Averages(), Ct);

        foreach (var symbol in new[] { "AAA", "ETFX", "NEWCO" })
        {
            var read = await PlatformReaders.AvgVolumeAsync(Db, symbol);
            Assert.Equal((ExpectedMeanVolume(symbol, 30), ExpectedMeanVolume(symbol, 10), ExpectedMeanVolume(symbol, 5)), read);
            Assert.InRange((await Db.KeyTimeToLiveAsync("ticker:avg_volume:" + symbol))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        }

        Assert.Null(await PlatformReaders.AvgVolumeAsync(Db, "TINY"));
        // NEWCO: 12 sessions, so the 30-session mean is over those 12 and differs from the 10-session one.
        Assert.NotEqual(ExpectedMeanVolume("NEWCO", 30), ExpectedMeanVolume("NEWCO", 10));
    }

    [Fact]
    public async Task The_universe_set_and_an_rvol_slot_read_as_before()
    {
        await Store.ReplaceTickerUniverseAsync(["AAA", "ETFX"]);
        await Store.ReplaceRvolAveragesAsync([new Maintenance.Data.Redis.RvolAverages("AAA", 5, [.. Enumerable.Range(0, 192).Select(s => (long)s * 1000)])], Ct);

        Assert.Equal(["AAA", "ETFX"], (await Db.SetMembersAsync("ticker:universe")).Select(m => (string)m!).Order(StringComparer.Ordinal));
        Assert.Equal("78000", (string?)await Db.HashGetAsync("rvol:hist:avg:AAA:5", "78"));
        Assert.False(await Db.HashExistsAsync("rvol:hist:avg:AAA:5", "0")); // only averages above zero
    }

    [Fact]
    public async Task Both_channels_carry_exactly_the_json_their_subscribers_parse()
    {
        // Channels are server-wide, not per database: other tests may publish too, so this one listens for its own date.
        var session = new DateOnly(2031, 1, 2);
        var at = new DateTimeOffset(2031, 1, 2, 8, 15, 0, 250, TimeSpan.Zero);
        var received = Channel.CreateUnbounded<(string Channel, string Message)>();
        var subscriber = _redis!.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("trading:new_day"), (c, m) => received.Writer.TryWrite((c.ToString(), m.ToString())));
        await subscriber.SubscribeAsync(RedisChannel.Literal("maintenance:completed"), (c, m) => received.Writer.TryWrite((c.ToString(), m.ToString())));

        Assert.True(await Store.PublishNewTradingDayAsync(session) >= 1);
        Assert.True(await Store.PublishMaintenanceCompletedAsync(session.AddDays(-1), at) >= 1);

        var newDay = await NextAsync(received.Reader, "trading:new_day", "2031-01-02");
        Assert.Equal("""{"event":"new_trading_day","action":"clear_caches","date":"2031-01-02"}""", newDay);
        Assert.True(PlatformReaders.WebsocketServerClearsCaches(newDay));

        var completedText = await NextAsync(received.Reader, "maintenance:completed", "2031-01-01");
        Assert.Equal("""{"event":"maintenance_completed","date":"2031-01-01","timestamp":"2031-01-02T08:15:00.250000+00:00"}""", completedText);
        var completed = JsonNode.Parse(completedText)!.AsObject();
        Assert.Equal(["event", "date", "timestamp"], completed.Select(p => p.Key));
        Assert.Equal("maintenance_completed", (string?)completed["event"]);
        Assert.Equal(new DateOnly(2031, 1, 1), PlatformReaders.FromIsoDate((string)completed["date"]!));
        Assert.Equal(at, PlatformReaders.FromIsoDateTime((string)completed["timestamp"]!));
    }

    [Fact]
    public async Task The_served_session_of_each_family_is_recorded_for_the_never_back_rule()
    {
        Assert.Null(await Store.GetServedSessionAsync(CacheFamily.Metadata));

        await Store.SetServedSessionAsync(CacheFamily.Metadata, Session);
        await Store.SetServedSessionAsync(CacheFamily.Atr, Session.AddDays(1));

        Assert.Equal(Session, await Store.GetServedSessionAsync(CacheFamily.Metadata));
        Assert.Equal(Session.AddDays(1), await Store.GetServedSessionAsync(CacheFamily.Atr));
        Assert.Null(await Store.GetServedSessionAsync(CacheFamily.VolumeAverages));
        Assert.Equal("2025-12-02", (string?)await Db.HashGetAsync(RedisKeys.ServedSessions, "metadata"));
    }

    private static async Task<string> NextAsync(ChannelReader<(string Channel, string Message)> reader, string channel, string date)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var (from, message) = await reader.ReadAsync(timeout.Token);
            if (from == channel && JsonNode.Parse(message)?["date"]?.GetValue<string>() == date)
            {
                return message;
            }
        }
    }
}
