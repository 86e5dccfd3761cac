using System.Globalization;
using System.Text.Json;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

public sealed class SyncRedisTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task Writes_the_active_universe_and_each_tickers_row_and_removes_stale_metadata()
    {
        var worker = await PrepareAsync();
        await Redis.StringSetAsync("metadata:ticker:GONE", "{\"symbol\":\"GONE\"}");

        var synced = await RunAsync(worker, MaintenanceStep.SyncRedis, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.SyncRedis, false));

        await AssertRedisHoldsTheDatabaseAsync();
        Assert.False(await Redis.KeyExistsAsync("metadata:ticker:GONE"));
        Assert.True(synced.Validation.Passed, synced.Validation.Verdict);
        Assert.Equal(1, synced.Metrics["stale_metadata_removed"]);
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
        Assert.False(await Redis.SetContainsAsync("ticker:universe", gone));
        Assert.False(await Redis.KeyExistsAsync($"metadata:ticker:{gone}"));
        await AssertRedisHoldsTheDatabaseAsync();
    }

    /// <summary>ticker:universe is the set of active symbols and each metadata key holds the row's values under snake_case names.</summary>
    private async Task AssertRedisHoldsTheDatabaseAsync()
    {
        var rows = await DumpAsync("SELECT symbol, name, exchange, type, market_cap, float_shares, shares_outstanding, sector, industry, cik, to_char(first_seen, 'YYYY-MM-DD') FROM tickers WHERE active ORDER BY symbol");
        var universe = (await Redis.SetMembersAsync("ticker:universe")).Select(m => m.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(rows.Select(r => r.Split('|')[0]), universe);

        var keys = new List<string>();
        await foreach (var key in RedisServer.KeysAsync(database: -1, pattern: "metadata:ticker:*"))
        {
            keys.Add(key.ToString());
        }

        Assert.Equal(rows.Select(r => "metadata:ticker:" + r.Split('|')[0]), keys.Order(StringComparer.Ordinal));
        string[] names = ["symbol", "name", "exchange", "type", "market_cap", "float_shares", "shares_outstanding", "sector", "industry", "cik", "first_seen"];
        foreach (var row in rows)
        {
            var fields = row.Split('|');
            using var json = JsonDocument.Parse((string)(await Redis.StringGetAsync("metadata:ticker:" + fields[0]))!);
            for (var i = 0; i < names.Length; i++)
            {
                var value = json.RootElement.GetProperty(names[i]);
                var text = value.ValueKind switch
                {
                    JsonValueKind.Null => "null",
                    JsonValueKind.Number => value.GetDouble().ToString(CultureInfo.InvariantCulture),
                    _ => value.GetString(),
                };
                var expected = fields[i] == "null" || value.ValueKind != JsonValueKind.Number ? fields[i] : double.Parse(fields[i], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
                Assert.Equal(expected, text);
            }

            Assert.True(json.RootElement.GetProperty("active").GetBoolean());
        }
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
