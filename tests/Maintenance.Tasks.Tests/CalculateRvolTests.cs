using Maintenance.Core;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;
using StackExchange.Redis;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

public abstract class CalculateRvolTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task Writes_the_averages_of_every_active_ticker_as_computed_from_the_minute_files_with_a_14_hour_ttl()
    {
        var worker = await PrepareAsync(Settings());
        // Left over from earlier days: a ticker no longer active and a lookback no longer configured.
        await Redis.HashSetAsync("rvol:hist:avg:GONE:5", [new HashEntry(10, 123)]);
        var active = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).Order(StringComparer.Ordinal).ToList();
        await Redis.HashSetAsync($"rvol:hist:avg:{active[0]}:20", [new HashEntry(10, 123)]);

        var calculated = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, false));

        var expected = ExpectedAverages(5);
        var keys = new List<string>();
        await foreach (var key in RedisServer.KeysAsync(database: -1, pattern: "rvol:hist:avg:*"))
        {
            keys.Add(key.ToString());
        }

        Assert.Equal(expected.Keys.Select(s => $"rvol:hist:avg:{s}:5").Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        foreach (var (symbol, averages) in expected)
        {
            var key = $"rvol:hist:avg:{symbol}:5";
            var stored = (await Redis.HashGetAllAsync(key)).ToDictionary(e => int.Parse(e.Name.ToString(), System.Globalization.CultureInfo.InvariantCulture), e => (long)e.Value);
            Assert.Equal(averages.OrderBy(a => a.Key), stored.OrderBy(a => a.Key));
            var ttl = await Redis.KeyTimeToLiveAsync(key);
            Assert.InRange(ttl!.Value, TimeSpan.FromHours(13.9), TimeSpan.FromHours(14));
        }

        Assert.True(calculated.Validation.Passed, calculated.Validation.Verdict);
        Assert.Equal(2, calculated.Metrics["stale_removed"]);
        Assert.Equal(expected.Count, calculated.Metrics["keys"]);
    }

    [Fact]
    public async Task Several_lookbacks_each_get_their_hash_and_a_second_run_skips_with_the_same_values()
    {
        var settings = Settings();
        settings["Tasks:Rvol:Lookbacks:0"] = "2";
        settings["Tasks:Rvol:Lookbacks:1"] = "5";
        var worker = await PrepareAsync(settings);

        var first = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, false));
        var afterFirst = await RedisDumpAsync("rvol:*");
        var second = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, false));

        foreach (var lookback in new[] { 2, 5 })
        {
            foreach (var (symbol, averages) in ExpectedAverages(lookback))
            {
                var stored = (await Redis.HashGetAllAsync($"rvol:hist:avg:{symbol}:{lookback}")).ToDictionary(e => int.Parse(e.Name.ToString(), System.Globalization.CultureInfo.InvariantCulture), e => (long)e.Value);
                Assert.Equal(averages.OrderBy(a => a.Key), stored.OrderBy(a => a.Key));
            }
        }

        Assert.False(first.Skipped);
        Assert.True(second.Skipped, second.Validation.Verdict);
        Assert.Equal(afterFirst, await RedisDumpAsync("rvol:*"));
    }

    [Fact]
    public async Task Without_volume_slots_for_the_day_it_fails_validation()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers, MaintenanceStep.CalculateRvol);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));

        var failed = await RunToFailureAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, false));

        Assert.False(failed.Retryable);
        Assert.Contains("LoadVolumeSlots must load the day first", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ticker_short_of_the_latest_days_is_averaged_with_the_older_days_of_its_window()
    {
        // The five days of lookback 5 loaded (as a day after such runs holds more days than its lookback), then
        // lookback 2, which searches the last 4 trading days: the latest two are read for every ticker, the older two
        // only for the tickers short of them.
        await PrepareAsync(Settings());
        var settings = Settings();
        settings["Tasks:Rvol:Lookbacks:0"] = "2";
        var worker = await StartWorkerAsync(settings, true, MaintenanceStep.CalculateRvol);
        var window = TradingCalendar.Nyse.TradingDays(new DateOnly(2025, 3, 1), Target).TakeLast(4).ToList();
        var active = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).Order(StringComparer.Ordinal).ToList();
        var removed = new Dictionary<string, DateOnly[]>(StringComparer.Ordinal)
        {
            [active[0]] = [Target],
            [active[1]] = [window[2], Target],
            [active[2]] = [.. window],
        };
        foreach (var (symbol, days) in removed)
        {
            foreach (var day in days)
            {
                await ExecuteAsync($"DELETE FROM volume_slots WHERE symbol = '{symbol}' AND trading_date = '{day:yyyy-MM-dd}'");
            }
        }

        var calculated = await RunAsync(worker, MaintenanceStep.CalculateRvol, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateRvol, false));

        var expected = ExpectedAverages(2, window, removed);
        Assert.True(expected.ContainsKey(active[0]) && expected.ContainsKey(active[1]) && !expected.ContainsKey(active[2]));
        var keys = new List<string>();
        await foreach (var key in RedisServer.KeysAsync(database: -1, pattern: "rvol:hist:avg:*"))
        {
            keys.Add(key.ToString());
        }

        Assert.Equal(expected.Keys.Select(s => $"rvol:hist:avg:{s}:2").Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        foreach (var (symbol, averages) in expected)
        {
            var stored = (await Redis.HashGetAllAsync($"rvol:hist:avg:{symbol}:2")).ToDictionary(e => int.Parse(e.Name.ToString(), System.Globalization.CultureInfo.InvariantCulture), e => (long)e.Value);
            Assert.Equal(averages.OrderBy(a => a.Key), stored.OrderBy(a => a.Key));
        }

        Assert.True(calculated.Validation.Passed, calculated.Validation.Verdict);
        Assert.Equal(expected.Count, calculated.Metrics["keys"]);
    }

    private async Task<TaskWorker> PrepareAsync(Dictionary<string, string?> settings)
    {
        var worker = await StartWorkerAsync(settings, true, MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers, MaintenanceStep.LoadVolumeSlots, MaintenanceStep.CalculateRvol);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));
        await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, false));
        return worker;
    }

    /// <summary>
    /// Per active symbol (traded on the target date), the averages over its most recent <paramref name="lookback"/> days
    /// with slots among the five days LoadVolumeSlots loads (the largest lookback here).
    /// </summary>
    private Dictionary<string, Dictionary<int, long>> ExpectedAverages(int lookback) =>
        ExpectedAverages(lookback, [.. TradingCalendar.Nyse.TradingDays(new DateOnly(2025, 3, 1), Target).TakeLast(5)], new Dictionary<string, DateOnly[]>());

    /// <summary>The same over <paramref name="days"/>, without the rows <paramref name="removed"/> names (symbol: its days).</summary>
    private Dictionary<string, Dictionary<int, long>> ExpectedAverages(int lookback, List<DateOnly> days, Dictionary<string, DateOnly[]> removed)
    {
        var slotsByDay = days.Select(day => (Day: day, Slots: Expected.Slots(FlatFileRows.Read(FlatFileRows.MinutePath(Sample.Files, day)), day))).ToList();
        var active = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker);
        var result = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        foreach (var symbol in active)
        {
            var gone = removed.GetValueOrDefault(symbol, []);
            var history = slotsByDay.Select(d => !gone.Contains(d.Day) && d.Slots.TryGetValue(symbol, out var rows) ? rows : []).ToList();
            var averages = Expected.RvolAverages(history, lookback);
            if (averages.Count > 0)
            {
                result[symbol] = averages;
            }
        }

        return result;
    }
}

/// <summary>On a SQLite file and an in-process Garnet: the embedded profile.</summary>
public sealed class CalculateRvolOnEmbeddedStoresTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : CalculateRvolTests(postgres, redis, rabbitMq, sample);

/// <summary>On PostgreSQL (one partition per day, read by merged index scans) and Redis.</summary>
public sealed class CalculateRvolOnServersTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : CalculateRvolTests(postgres, redis, rabbitMq, sample)
{
    protected override TestStores Stores => TestStores.Servers;
}
