using System.Globalization;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

/// <summary>sync-redis on both sets of stores: the averages' read differs between SQLite and PostgreSQL, and the keys' commands between Garnet and Redis.</summary>
public abstract class SyncRedisTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task Writes_the_active_universe_and_each_tickers_row_and_removes_stale_metadata()
    {
        var worker = await PrepareAsync();
        await Redis.StringSetAsync("metadata:ticker:GONE", "{\"symbol\":\"GONE\"}");
        await Redis.StringSetAsync("ticker:avg_volume:GONE", "{}");

        var synced = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));

        await AssertRedisHoldsTheDatabaseAsync();
        Assert.False(await Redis.KeyExistsAsync("metadata:ticker:GONE"));
        Assert.False(await Redis.KeyExistsAsync("ticker:avg_volume:GONE"));
        Assert.True(synced.Validation.Passed, synced.Validation.Verdict);
        Assert.Equal(2, synced.Metrics["stale_keys_removed"]);
        Assert.Equal(1, synced.Metrics["keyspace_scanned"]);
        Assert.Equal("2025-03-12", (string?)await Redis.HashGetAsync("maintenance:served_sessions", "metadata"));
    }

    [Fact]
    public async Task A_backfill_never_moves_metadata_or_averages_back_to_an_older_session()
    {
        var worker = await PrepareAsync();
        var symbol = (await DumpAsync("SELECT symbol FROM tickers WHERE active ORDER BY symbol LIMIT 1"))[0];
        // The caches already serve Thursday the 13th; the backfill of the 11th serves the 12th.
        await Redis.HashSetAsync("maintenance:served_sessions", "metadata", "2025-03-13");
        await Redis.StringSetAsync("metadata:ticker:" + symbol, "{\"symbol\":\"" + symbol + "\",\"avg_volume_30d\":1}");

        var backfill = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));

        Assert.True(backfill.Validation.Passed, backfill.Validation.Verdict);
        Assert.Contains("left to the later session 2025-03-13", backfill.Validation.Verdict, StringComparison.Ordinal);
        Assert.Equal("{\"symbol\":\"" + symbol + "\",\"avg_volume_30d\":1}", (string?)await Redis.StringGetAsync("metadata:ticker:" + symbol));
        Assert.Empty(await RedisDumpAsync("ticker:avg_volume:*"));
        Assert.Equal(
            (await DumpAsync("SELECT symbol FROM tickers WHERE active ORDER BY symbol")),
            (await Redis.SetMembersAsync("ticker:universe")).Select(m => m.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_second_run_skips_and_a_ticker_gone_inactive_leaves_the_universe_on_the_next_run()
    {
        var worker = await PrepareAsync();
        var first = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));
        var afterFirst = await RedisDumpAsync("*");

        var second = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));
        var afterSecond = await RedisDumpAsync("*");
        var gone = (await DumpAsync("SELECT symbol FROM tickers ORDER BY symbol LIMIT 1"))[0];
        await ExecuteAsync($"UPDATE tickers SET active = false WHERE symbol = '{gone}'");
        var third = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));

        Assert.False(first.Skipped);
        Assert.True(second.Skipped, second.Validation.Verdict);
        Assert.Equal(afterFirst, afterSecond);
        Assert.False(third.Skipped);
        Assert.Equal(0, third.Metrics["keyspace_scanned"]);
        Assert.Equal(2, third.Metrics["stale_keys_removed"]);
        Assert.False(await Redis.SetContainsAsync("ticker:universe", gone));
        Assert.False(await Redis.KeyExistsAsync($"metadata:ticker:{gone}"));
        Assert.False(await Redis.KeyExistsAsync($"ticker:avg_volume:{gone}"));
        await AssertRedisHoldsTheDatabaseAsync();
    }

    [Fact]
    public async Task A_key_lost_after_a_complete_run_makes_the_next_run_write_again()
    {
        var worker = await PrepareAsync();
        await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));
        var afterFirst = await RedisDumpAsync("*");
        var symbol = (await DumpAsync("SELECT symbol FROM tickers WHERE active ORDER BY symbol LIMIT 1"))[0];
        await Redis.KeyDeleteAsync("metadata:ticker:" + symbol);

        var again = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));

        Assert.False(again.Skipped, again.Validation.Verdict);
        Assert.True(again.Validation.Passed, again.Validation.Verdict);
        Assert.Equal(afterFirst, await RedisDumpAsync("*"));
    }

    [Fact]
    public async Task After_a_complete_run_a_ticker_without_averages_any_more_loses_its_average_key_without_a_scan()
    {
        var worker = await PrepareAsync();
        await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));
        var symbol = (await RedisDumpAsync("ticker:avg_volume:*")).Keys.First()["ticker:avg_volume:".Length..];
        await ExecuteAsync($"DELETE FROM daily_bars WHERE symbol = '{symbol}'");

        var again = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));

        Assert.True(again.Validation.Passed, again.Validation.Verdict);
        Assert.Equal(0, again.Metrics["keyspace_scanned"]);
        Assert.Equal(1, again.Metrics["stale_keys_removed"]);
        Assert.False(await Redis.KeyExistsAsync("ticker:avg_volume:" + symbol));
        Assert.Null((await PlatformReaders.MetadataAsync(Redis, [symbol]))[symbol]["avg_volume_30d"]);
    }

    [Fact]
    public async Task A_universe_changed_since_the_last_run_makes_the_next_run_scan_and_remove_a_stray_key()
    {
        var worker = await PrepareAsync();
        await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));
        var afterFirst = await RedisDumpAsync("*");
        await Redis.SetAddAsync("ticker:universe", "STRAY");
        await Redis.StringSetAsync("metadata:ticker:STRAY", "{\"symbol\":\"STRAY\"}");

        var again = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));

        Assert.True(again.Validation.Passed, again.Validation.Verdict);
        Assert.Equal(1, again.Metrics["keyspace_scanned"]);
        Assert.Equal(1, again.Metrics["stale_keys_removed"]);
        Assert.Equal(afterFirst, await RedisDumpAsync("*"));
    }

    [Fact]
    public async Task A_changed_ticker_row_changes_the_checksum_so_the_next_run_writes_it()
    {
        var worker = await PrepareAsync();
        await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));
        var symbol = (await DumpAsync("SELECT symbol FROM tickers WHERE active ORDER BY symbol LIMIT 1"))[0];
        await ExecuteAsync($"UPDATE tickers SET sector = 'Changed Sector' WHERE symbol = '{symbol}'");

        var again = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));

        Assert.False(again.Skipped, again.Validation.Verdict);
        Assert.Equal("Changed Sector", (string?)(await PlatformReaders.MetadataAsync(Redis, [symbol]))[symbol]["sector"]);
        await AssertRedisHoldsTheDatabaseAsync();
    }

    /// <summary>
    /// ticker:universe is the set of active symbols; each metadata key parses as the platform's TickerMetadata and holds
    /// the row's values and the averages this test computes from the flat files; ticker:avg_volume holds the same
    /// averages, as the Python sync_redis wrote them.
    /// </summary>
    private async Task AssertRedisHoldsTheDatabaseAsync()
    {
        var rows = await DumpAsync("""
            SELECT symbol, name, exchange, type, market_cap, float_shares, shares_outstanding, sector, industry, cik,
                   list_date, composite_figi, round_lot, city, description IS NOT NULL
            FROM tickers WHERE active ORDER BY symbol
            """);
        var symbols = rows.Select(r => r.Split('|')[0]).ToList();
        var universe = (await Redis.SetMembersAsync("ticker:universe")).Select(m => m.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(symbols, universe);

        var keys = new List<string>();
        await foreach (var key in RedisServer.KeysAsync(database: -1, pattern: "metadata:ticker:*"))
        {
            keys.Add(key.ToString());
        }

        Assert.Equal(symbols.Select(s => "metadata:ticker:" + s), keys.Order(StringComparer.Ordinal));
        var metadata = await PlatformReaders.MetadataAsync(Redis, symbols);
        var averages = ExpectedAverages();
        Assert.Contains(rows, r => r.Split('|')[3] == "ETF");
        Assert.Contains(rows, r => r.EndsWith("|0", StringComparison.Ordinal)); // a stock without a company profile
        foreach (var row in rows)
        {
            var f = row.Split('|');
            var data = metadata[f[0]];
            string? Text(int i) => f[i] == "null" ? null : f[i];
            Assert.Equal(Text(1), (string?)data["company_name"]);
            Assert.Equal(Text(1), (string?)data["name"]);
            Assert.Equal(Text(2), (string?)data["exchange"]);
            Assert.Equal(Text(3), (string?)data["type"]);
            Assert.Equal(f[4] == "null" ? null : (long)Math.Truncate(double.Parse(f[4], CultureInfo.InvariantCulture)), (long?)data["market_cap"]);
            Assert.Equal(f[5] == "null" ? null : long.Parse(f[5], CultureInfo.InvariantCulture), (long?)data["float_shares"]);
            Assert.Equal(f[5] == "null" ? null : long.Parse(f[5], CultureInfo.InvariantCulture), (long?)data["free_float"]);
            Assert.Equal(f[6] == "null" ? null : long.Parse(f[6], CultureInfo.InvariantCulture), (long?)data["shares_outstanding"]);
            Assert.Equal(Text(7), (string?)data["sector"]);
            Assert.Equal(Text(8), (string?)data["industry"]);
            Assert.Equal(Text(9), (string?)data["cik"]);
            Assert.Equal(Text(10), (string?)data["list_date"]);
            Assert.Equal(Text(11), (string?)data["composite_figi"]);
            Assert.Equal(f[12] == "null" ? null : int.Parse(f[12], CultureInfo.InvariantCulture), (int?)data["round_lot"]);
            Assert.Equal(Text(13), (string?)data["address"]?["city"]);
            Assert.Equal(f[14] == "1", data["description"] is not null);
            Assert.Equal(f[3] == "ETF", (bool)data["is_etf"]!);
            Assert.True((bool)data["is_actively_trading"]!);

            var avg = await PlatformReaders.AvgVolumeAsync(Redis, f[0]);
            if (averages.TryGetValue(f[0], out var expected))
            {
                Assert.Equal((expected.Avg30, expected.Avg10, expected.Avg5), ((long?)data["avg_volume_30d"], (long?)data["avg_volume_10d"], (long?)data["avg_volume_5d"]));
                Assert.Equal(expected.Price30, (double)data["avg_price_30d"]!);
                Assert.Equal((expected.Avg30, expected.Avg10, expected.Avg5), avg);
                Assert.InRange((await Redis.KeyTimeToLiveAsync("ticker:avg_volume:" + f[0]))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
            }
            else
            {
                Assert.Null(data["avg_volume_30d"]);
                Assert.Null(avg);
            }
        }

        Assert.True(averages.Count(a => symbols.Contains(a.Key)) >= symbols.Count / 2);
    }

    /// <summary>
    /// The averages straight from the flat files: over the 30 trading days ending at the target, each symbol's valid
    /// bars; the mean volume of those in the last 30, 10 and 5 days (integer division), the mean close over the 30
    /// rounded to 4 decimals; nothing with fewer than 5 bars.
    /// </summary>
    private Dictionary<string, (long? Avg30, long? Avg10, long? Avg5, double Price30)> ExpectedAverages()
    {
        var days = Maintenance.Core.TradingCalendar.Nyse.TradingDays(Target.AddDays(-60), Target).TakeLast(30).ToList();
        var bars = days.SelectMany(day => FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, day)).Where(Expected.IsValidDailyBar).Select(r => (Day: day, Row: r)))
            .GroupBy(b => b.Row.Ticker, StringComparer.Ordinal);
        var result = new Dictionary<string, (long?, long?, long?, double)>(StringComparer.Ordinal);
        foreach (var symbol in bars)
        {
            var list = symbol.ToList();
            if (list.Count < 5)
            {
                continue;
            }

            long? Mean(int last)
            {
                var recent = list.Where(b => b.Day >= days[^last]).Select(b => b.Row.Volume).ToList();
                return recent.Count == 0 ? null : recent.Sum() / recent.Count;
            }

            result[symbol.Key] = (Mean(30), Mean(10), Mean(5), Math.Round(list.Average(b => b.Row.Close), 4, MidpointRounding.AwayFromZero));
        }

        return result;
    }

    private async Task<TaskWorker> PrepareAsync()
    {
        var settings = Settings();
        settings["Tasks:EnrichMetadata:RateLimit"] = "1000";
        var worker = await StartWorkerAsync(settings, true, MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers, MaintenanceStep.EnrichMetadata, MaintenanceStep.SyncRedis);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));
        await RunAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));
        return worker;
    }
}

/// <summary>On a SQLite file and an in-process Garnet: the embedded profile.</summary>
public sealed class SyncRedisOnEmbeddedStoresTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : SyncRedisTests(postgres, redis, rabbitMq, sample);

/// <summary>On PostgreSQL and Redis.</summary>
public sealed class SyncRedisOnServersTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : SyncRedisTests(postgres, redis, rabbitMq, sample)
{
    protected override TestStores Stores => TestStores.Servers;
}
