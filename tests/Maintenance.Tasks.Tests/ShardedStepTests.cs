using Maintenance.Core;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

/// <summary>
/// calculate-atr and calculate-rvol divided in two shards leave exactly what one undivided run leaves: the same
/// atr_values rows, atr:daily fields, atr:{SYMBOL} strings and RVOL hashes; each shard removes the stale values of its
/// own symbols only, skips on a second run, and the shards' figures add up to the undivided run's. Run on both stores:
/// the shard's reads and deletes are SQL of their own.
/// </summary>
public abstract class ShardedStepTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private const string AtrTable = "SELECT trading_date, symbol, period, method, atr, atr_percent FROM atr_values ORDER BY symbol";

    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task Two_atr_shards_leave_what_one_undivided_run_leaves_and_each_prunes_only_its_own_symbols()
    {
        var worker = await PrepareAsync(MaintenanceStep.LoadOhlc, MaintenanceStep.CalculateAtr);
        var whole = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, false));
        var table = await DumpAsync(AtrTable);
        var caches = await RedisDumpAsync("atr*");
        var (first, second) = await SymbolsOfEachShardAsync();
        // Stale values of a symbol of each shard: a field and a row no run computes, and a changed value of a real one.
        await Redis.HashSetAsync("atr:daily", [new("GONE0", "{}"), new("GONE1", "{}"), new(first, "{}")]);
        Assert.Equal(0, SymbolShard.Of("GONE0", 2));
        Assert.Equal(1, SymbolShard.Of("GONE1", 2));
        await ExecuteAsync($"UPDATE atr_values SET atr = 99 WHERE symbol IN ('{first}', '{second}')");

        var shard0 = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, true, Shard: 0, ShardCount: 2));
        // Shard 1's stale field and changed row are still there: shard 0 touched only its own symbols.
        Assert.False(await Redis.HashExistsAsync("atr:daily", "GONE0"));
        Assert.True(await Redis.HashExistsAsync("atr:daily", "GONE1"));
        Assert.Contains(await DumpAsync($"SELECT atr FROM atr_values WHERE symbol = '{second}'"), r => r == "99");
        var shard1 = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, true, Shard: 1, ShardCount: 2));

        Assert.True(shard0.Validation.Passed, shard0.Validation.Verdict);
        Assert.True(shard1.Validation.Passed, shard1.Validation.Verdict);
        Assert.Equal(table, await DumpAsync(AtrTable));
        Assert.Equal(caches, await RedisDumpAsync("atr*"));
        foreach (var figure in new[] { "active_tickers", "computed", "stored_rows", "redis_fields", "atr_strings", "skipped_short_history", "skipped_no_bar_on_date" })
        {
            Assert.Equal(whole.Metrics[figure], shard0.Metrics[figure] + shard1.Metrics[figure]);
        }

        Assert.Equal(1, shard0.Metrics["stale_fields_removed"]);
        Assert.Equal(1, shard1.Metrics["stale_fields_removed"]);
        Assert.InRange(shard0.Metrics["computed"], 1, whole.Metrics["computed"] - 1);
        var again = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, false, Shard: 1, ShardCount: 2));
        Assert.True(again.Skipped, again.Validation.Verdict);
        Assert.Equal(shard1.Metrics["computed"], again.Metrics["computed"]);
    }

    [Fact]
    public async Task Two_rvol_shards_leave_what_one_undivided_run_leaves_and_each_prunes_only_its_own_symbols()
    {
        var worker = await PrepareAsync(MaintenanceStep.LoadVolumeSlots, MaintenanceStep.CalculateRvol);
        var whole = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, false));
        var hashes = await RedisDumpAsync("rvol:hist:avg:*");
        var (first, second) = await SymbolsOfEachShardAsync();
        // Stale hashes of each shard: tickers no longer active, a lookback no longer configured, a changed average.
        await Redis.HashSetAsync("rvol:hist:avg:GONE0:5", [new(10, 1)]);
        await Redis.HashSetAsync("rvol:hist:avg:GONE1:5", [new(10, 1)]);
        await Redis.HashSetAsync($"rvol:hist:avg:{first}:20", [new(10, 1)]);
        await Redis.HashSetAsync($"rvol:hist:avg:{second}:5", [new(191, 1)]);

        var shard0 = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, true, Shard: 0, ShardCount: 2));
        Assert.False(await Redis.KeyExistsAsync("rvol:hist:avg:GONE0:5"));
        Assert.True(await Redis.KeyExistsAsync("rvol:hist:avg:GONE1:5"));
        Assert.False(await Redis.KeyExistsAsync($"rvol:hist:avg:{first}:20"));
        Assert.Equal("1", (string?)await Redis.HashGetAsync($"rvol:hist:avg:{second}:5", 191));
        var shard1 = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, true, Shard: 1, ShardCount: 2));

        Assert.True(shard0.Validation.Passed, shard0.Validation.Verdict);
        Assert.True(shard1.Validation.Passed, shard1.Validation.Verdict);
        Assert.Equal(hashes, await RedisDumpAsync("rvol:hist:avg:*"));
        foreach (var figure in new[] { "active_tickers", "tickers", "tickers_with_target_day", "tickers_with_averages", "keys", "keys_present", "short_history" })
        {
            Assert.Equal(whole.Metrics[figure], shard0.Metrics[figure] + shard1.Metrics[figure]);
        }

        Assert.Equal(2, shard0.Metrics["stale_removed"]);
        Assert.Equal(1, shard1.Metrics["stale_removed"]);
        Assert.InRange(shard0.Metrics["keys"], 1, whole.Metrics["keys"] - 1);
        var again0 = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, false, Shard: 0, ShardCount: 2));
        var again1 = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, false, Shard: 1, ShardCount: 2));
        Assert.True(again0.Skipped, again0.Validation.Verdict);
        Assert.True(again1.Skipped, again1.Validation.Verdict);
        Assert.Equal(hashes, await RedisDumpAsync("rvol:hist:avg:*"));
    }

    /// <summary>An active symbol of shard 0 and one of shard 1 (of 2).</summary>
    private async Task<(string Shard0, string Shard1)> SymbolsOfEachShardAsync()
    {
        var active = await DumpAsync("SELECT symbol FROM tickers WHERE active ORDER BY symbol");
        return (active.First(s => SymbolShard.Of(s, 2) == 0), active.First(s => SymbolShard.Of(s, 2) == 1));
    }

    private async Task<TaskWorker> PrepareAsync(MaintenanceStep load, MaintenanceStep step)
    {
        var worker = await StartWorkerAsync(Settings(), true, MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers, load, step);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));
        if (load != MaintenanceStep.LoadOhlc)
        {
            await RunAsync(worker, load, id => new RunMaintenanceStep(id, Target, 1, load, false));
        }

        return worker;
    }
}

/// <summary>The shards on a SQLite file and an in-process Garnet.</summary>
public sealed class ShardedStepOnEmbeddedStoresTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : ShardedStepTests(postgres, redis, rabbitMq, sample);

/// <summary>The shards on PostgreSQL and Redis: the symbol filter and the shard's delete in the server's SQL.</summary>
public sealed class ShardedStepOnServersTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : ShardedStepTests(postgres, redis, rabbitMq, sample)
{
    protected override TestStores Stores => TestStores.Servers;
}
