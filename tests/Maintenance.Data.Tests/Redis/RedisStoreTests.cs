using System.Text.Json;
using Maintenance.Data.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Tests.Redis;

/// <summary>The Redis store's behaviour, run against redis-server and against the embedded Garnet.</summary>
public abstract class RedisStoreTests : IAsyncLifetime
{
    private ConnectionMultiplexer? _redis;

    protected RedisStore Store { get; private set; } = null!;

    protected IDatabase Db => _redis!.GetDatabase();

    protected abstract Task<string> ConnectionStringAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(await ConnectionStringAsync());
        Store = new RedisStore(_redis, NullLogger<RedisStore>.Instance);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private static HashEntry[] Fields(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new HashEntry(i, prefix + i))];

    [Fact]
    public async Task Replacing_a_hash_leaves_exactly_the_new_fields()
    {
        await Store.ReplaceHashAsync("h", Fields("old-", 300));

        await Store.ReplaceHashAsync("h", Fields("new-", 100));

        var stored = await Db.HashGetAllAsync("h");
        Assert.Equal(100, stored.Length);
        Assert.All(stored, f => Assert.Equal("new-" + f.Name, (string?)f.Value));
        Assert.Null(await Db.KeyTimeToLiveAsync("h"));
        Assert.Empty(await TemporaryKeysAsync());
    }

    [Fact]
    public async Task Replacing_with_no_fields_deletes_the_hash()
    {
        await Store.ReplaceHashAsync("h", Fields("x", 3));

        await Store.ReplaceHashAsync("h", []);

        Assert.False(await Db.KeyExistsAsync("h"));
    }

    [Fact]
    public async Task A_reader_never_sees_an_empty_or_half_written_hash_while_it_is_replaced()
    {
        const int fieldCount = 5000;
        var generations = new[] { Fields("a", fieldCount), Fields("b", fieldCount) };
        await Store.ReplaceHashAsync("watched", generations[0]);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var reads = 0;
        var sawA = 0;
        var sawB = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var fields = await Db.HashGetAllAsync("watched");
                // Whole and of one generation, or the test fails right here.
                Assert.Equal(fieldCount, fields.Length);
                var prefix = Assert.Single(fields.Select(f => ((string)f.Value!)[0]).Distinct());
                Interlocked.Exchange(ref prefix == 'a' ? ref sawA : ref sawB, 1);
                Interlocked.Increment(ref reads);
            }
        }, Ct);

        // Bounded: replace until the reader has seen both generations many times over, at most 1,000 times.
        var replacements = 0;
        while (replacements < 1000 && (Volatile.Read(ref reads) < 100 || Volatile.Read(ref sawA) + Volatile.Read(ref sawB) < 2) && !reader.IsCompleted)
        {
            replacements++;
            await Store.ReplaceHashAsync("watched", generations[replacements % 2]);
        }

        await stop.CancelAsync();
        await reader;

        Assert.True(reads >= 100, $"the reader only read {reads} times in {replacements} replacements");
        Assert.Equal(2, sawA + sawB);
    }

    [Fact]
    public async Task Many_hashes_are_replaced_at_once_with_their_ttl()
    {
        var hashes = Enumerable.Range(0, 500)
            .Select(i => new HashReplacement("batch:" + i, Fields("v" + i + "-", 1 + (i % 192))))
            .Append(new HashReplacement("batch:empty", []))
            .ToList();
        await Db.HashSetAsync("batch:empty", "stale", "1");

        var written = await Store.ReplaceHashesAsync(hashes, TimeSpan.FromMinutes(10), Ct);

        Assert.Equal(500, written);
        Assert.Equal(192, await Db.HashLengthAsync("batch:191"));
        Assert.Equal("v7-3", (string?)await Db.HashGetAsync("batch:7", 3));
        var ttl = await Db.KeyTimeToLiveAsync("batch:499");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.False(await Db.KeyExistsAsync("batch:empty"));
        Assert.Empty(await TemporaryKeysAsync());
    }

    [Fact]
    public async Task A_hash_without_ttl_loses_an_older_ttl_of_its_key()
    {
        await Store.ReplaceHashAsync("h", Fields("x", 3), TimeSpan.FromMinutes(5));

        await Store.ReplaceHashAsync("h", Fields("y", 3));

        Assert.Null(await Db.KeyTimeToLiveAsync("h"));
    }

    [Fact]
    public async Task Pattern_deletes_count_exactly_the_matching_keys_and_leave_the_others()
    {
        var writes = new List<Task>();
        for (var i = 0; i < 2500; i++)
        {
            writes.Add(Db.StringSetAsync("scanner:category:" + i, "x"));
        }

        for (var i = 0; i < 30; i++)
        {
            writes.Add(Db.HashSetAsync("snapshot:enriched:" + i, "f", "v"));
            writes.Add(Db.StringSetAsync("keep:" + i, "x"));
        }

        await Task.WhenAll(writes);

        var categories = await Store.DeleteByPatternAsync("scanner:category:*", Ct);
        var snapshots = await Store.DeleteByPatternAsync("snapshot:enriched:*", Ct);
        var none = await Store.DeleteByPatternAsync("realtime:*", Ct);

        Assert.Equal(2500, categories);
        Assert.Equal(30, snapshots);
        Assert.Equal(0, none);
        Assert.True(await Db.KeyExistsAsync("keep:29"));
        Assert.False(await Db.KeyExistsAsync("scanner:category:1234"));
    }

    [Fact]
    public async Task The_ticker_universe_set_is_replaced_whole()
    {
        await Store.ReplaceTickerUniverseAsync(Enumerable.Range(0, 3000).Select(i => "OLD" + i));

        await Store.ReplaceTickerUniverseAsync(["AAPL", "MSFT", "NVDA"]);

        var members = (await Db.SetMembersAsync(RedisKeys.TickerUniverse)).Select(m => (string)m!).Order(StringComparer.Ordinal);
        Assert.Equal(["AAPL", "MSFT", "NVDA"], members);
        Assert.Null(await Db.KeyTimeToLiveAsync(RedisKeys.TickerUniverse));
    }

    [Fact]
    public async Task Atr_daily_holds_one_json_per_symbol_dated_with_the_session_under_a_24_hour_ttl()
    {
        var session = new DateOnly(2025, 3, 17);

        await Store.WriteAtrDailyAsync([new AtrValue("AAPL", 3.25, 1.5), new AtrValue("MSFT", 5.5, 1.25)], session, Maintenance.Core.SymbolShard.All);

        Assert.Equal(2, await Db.HashLengthAsync(RedisKeys.AtrDaily));
        Assert.Equal("""{"atr":3.25,"atr_percent":1.5,"updated":"2025-03-17"}""", (string?)await Db.HashGetAsync(RedisKeys.AtrDaily, "AAPL"));
        Assert.InRange((await Db.KeyTimeToLiveAsync(RedisKeys.AtrDaily))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task Atr_daily_written_by_shard_replaces_and_prunes_only_the_fields_of_that_shards_symbols()
    {
        var session = new DateOnly(2025, 3, 17);
        // AAPL and MSFT are in shard 2 of 2, BRK.B and QQQ in shard 1 (SymbolShardTests).
        await Store.WriteAtrDailyAsync([new AtrValue("AAPL", 1, 1), new AtrValue("MSFT", 2, 2), new AtrValue("BRK.B", 3, 3), new AtrValue("QQQ", 4, 4)], session.AddDays(-1), Maintenance.Core.SymbolShard.All);

        var second = await Store.WriteAtrDailyAsync([new AtrValue("AAPL", 5, 5)], session, new Maintenance.Core.SymbolShard(1, 2));

        Assert.Equal((1L, 1L), second);
        Assert.Equal(["AAPL", "BRK.B", "QQQ"], (await Db.HashKeysAsync(RedisKeys.AtrDaily)).Select(f => f.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal("""{"atr":5.0,"atr_percent":5.0,"updated":"2025-03-17"}""", (string?)await Db.HashGetAsync(RedisKeys.AtrDaily, "AAPL"));
        Assert.Equal("""{"atr":3.0,"atr_percent":3.0,"updated":"2025-03-16"}""", (string?)await Db.HashGetAsync(RedisKeys.AtrDaily, "BRK.B"));
        var first = await Store.WriteAtrDailyAsync([new AtrValue("QQQ", 6, 6)], session, new Maintenance.Core.SymbolShard(0, 2));
        Assert.Equal((1L, 1L), first);
        Assert.Equal(["AAPL", "QQQ"], (await Db.HashKeysAsync(RedisKeys.AtrDaily)).Select(f => f.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Rvol_averages_keep_the_positive_slots_under_a_14_hour_ttl()
    {
        var averages = new long[192];
        averages[0] = 100;
        averages[78] = 25_000;
        averages[191] = 90_000;

        var written = await Store.ReplaceRvolAveragesAsync(
            [new RvolAverages("AAPL", 5, averages), new RvolAverages("ZERO", 5, new long[192])], Ct);

        Assert.Equal(1, written);
        var key = RedisKeys.RvolAverages("AAPL", 5);
        Assert.Equal("rvol:hist:avg:AAPL:5", key);
        var stored = (await Db.HashGetAllAsync(key)).ToDictionary(f => (string)f.Name!, f => (long)f.Value);
        Assert.Equal(new Dictionary<string, long> { ["0"] = 100, ["78"] = 25_000, ["191"] = 90_000 }, stored);
        Assert.InRange((await Db.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromHours(13.9), TimeSpan.FromHours(14));
        Assert.False(await Db.KeyExistsAsync(RedisKeys.RvolAverages("ZERO", 5)));
    }

    [Fact]
    public async Task Ticker_metadata_and_status_are_snake_case_json_with_their_ttl()
    {
        var ticker = new Ticker { Symbol = "AAPL", Name = "Apple Inc.", MarketCap = 3.5e12, FirstSeen = new DateOnly(2020, 1, 2), UpdatedAt = new DateTimeOffset(2025, 3, 14, 8, 0, 0, TimeSpan.Zero) };
        var date = new DateOnly(2025, 3, 14);

        await Store.SetTickerMetadataAsync([TickerMetadataDocument.From(ticker, null)], Ct);
        await Store.SetJsonAsync(RedisKeys.MaintenanceStatus(date), new { Date = date, AllSuccess = true }, RedisKeys.StatusTtl);

        Assert.Equal(
            """{"symbol":"AAPL","company_name":"Apple Inc.","market_cap":3500000000000,"is_etf":false,"is_actively_trading":true,"updated_at":"2025-03-14T08:00:00.000000+00:00","name":"Apple Inc.","active":true}""",
            (string?)await Db.StringGetAsync("metadata:ticker:AAPL"));
        Assert.Null(await Db.KeyTimeToLiveAsync("metadata:ticker:AAPL"));
        Assert.Equal("""{"date":"2025-03-14","all_success":true}""", (string?)await Db.StringGetAsync("maintenance:status:2025-03-14"));
        Assert.InRange((await Db.KeyTimeToLiveAsync("maintenance:status:2025-03-14"))!.Value, TimeSpan.FromDays(6.9), TimeSpan.FromDays(7));
        Assert.Null(await Store.GetJsonAsync<Ticker>("maintenance:status:2000-01-01"));
    }

    private async Task<List<RedisKey>> TemporaryKeysAsync()
    {
        var server = _redis!.GetServers()[0];
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(database: -1, pattern: "tmp:replace:*"))
        {
            keys.Add(key);
        }

        return keys;
    }
}
