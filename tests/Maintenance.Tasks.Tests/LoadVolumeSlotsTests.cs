using System.Globalization;
using Maintenance.Core;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

public sealed class LoadVolumeSlotsTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private const string SlotsTable = "SELECT trading_date, symbol, slot, volume, accumulated_volume, trades FROM volume_slots ORDER BY trading_date, symbol, slot";

    private const string Days = "SELECT DISTINCT trading_date FROM volume_slots ORDER BY 1";

    private static readonly DateOnly Target = SampleFiles.Target;

    /// <summary>The default RVOL lookback (5 days) ending at the target: 2025-03-05 to 2025-03-11, across the DST switch of 03-09.</summary>
    private static readonly DateOnly[] LookbackDays = [.. TradingCalendar.Nyse.TradingDays(new DateOnly(2025, 3, 1), Target).TakeLast(5)];

    [Fact]
    public async Task Stores_the_slots_of_the_target_day_and_the_rvol_lookback_exactly_as_computed_from_the_minute_files()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        var loaded = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, false));

        var expected = new List<string>();
        foreach (var day in LookbackDays)
        {
            foreach (var (symbol, rows) in Expected.Slots(FlatFileRows.Read(FlatFileRows.MinutePath(Sample.Files, day)), day))
            {
                expected.AddRange(rows.Select(r => string.Join("|", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), symbol, r.Slot, r.Volume, r.AccumulatedVolume, r.Trades)));
            }
        }

        var stored = await DumpAsync(SlotsTable);
        Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.True(loaded.Validation.Passed, loaded.Validation.Verdict);
        Assert.Equal(4, loaded.Metrics["history_days_loaded"]);
        Assert.Equal(1, loaded.Metrics["coverage"]);
        // The slots of a day after the switch to daylight saving time start at 04:00 New York = 08:00 UTC.
        Assert.Contains(stored, row => row.StartsWith("2025-03-11|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_shards_load_their_own_days_of_the_lookback_and_together_the_same_rows_as_one_run()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        // Shard 1 of 2 owns the first two days of the five (2025-03-05, 03-06); shard 2 the last three, the target among them.
        var first = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, Shard: 0, ShardCount: 2));
        var daysAfterFirst = await DumpAsync(Days);
        var second = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, Shard: 1, ShardCount: 2));
        var sharded = await DumpAsync(SlotsTable);
        var again = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 2, MaintenanceStep.LoadVolumeSlots, Shard: 0, ShardCount: 2));

        Assert.Equal(["2025-03-05", "2025-03-06"], daysAfterFirst);
        Assert.True(first.Validation.Passed, first.Validation.Verdict);
        Assert.True(second.Validation.Passed, second.Validation.Verdict);
        Assert.Equal((2, 2, 0), (first.Metrics["window_days"], first.Metrics["history_days_loaded"], first.Metrics["history_days_present"]));
        Assert.Equal((3, 2, 0), (second.Metrics["window_days"], second.Metrics["history_days_loaded"], second.Metrics["history_days_present"]));
        Assert.False(first.Metrics.ContainsKey("rows"));
        Assert.Equal(1, second.Metrics["coverage"]);
        Assert.True(again.Skipped, again.Validation.Verdict);
        Assert.False(again.Metrics.ContainsKey("history_rows"));

        await ExecuteAsync("DELETE FROM volume_slots");
        var whole = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 3, MaintenanceStep.LoadVolumeSlots, false));
        Assert.Equal(await DumpAsync(SlotsTable), sharded);
        Assert.Equal(whole.Metrics["history_rows"], first.Metrics["history_rows"] + second.Metrics["history_rows"]);
        Assert.Equal(whole.Metrics["rows"], second.Metrics["rows"]);
        Assert.Equal(whole.Metrics["window_days"], first.Metrics["window_days"] + second.Metrics["window_days"]);
    }

    [Fact]
    public async Task A_second_run_skips_with_identical_rows_and_force_rewrites_the_same_rows()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadVolumeSlots);
        var first = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, false));
        var afterFirst = await DumpAsync(SlotsTable);

        var second = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, false));
        var afterSecond = await DumpAsync(SlotsTable);
        var forced = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 2, MaintenanceStep.LoadVolumeSlots, true));

        Assert.False(first.Skipped);
        Assert.True(second.Skipped, second.Validation.Verdict);
        Assert.False(forced.Skipped);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(afterFirst, await DumpAsync(SlotsTable));
    }

    [Fact]
    public async Task Unreadable_and_invalid_minute_rows_are_counted_and_left_out()
    {
        var folder = Sample.CopyForTest();
        var path = FlatFileRows.MinutePath(folder, Target);
        var rows = FlatFileRows.Read(path);
        var first = rows[0];
        // Appended after every ticker's rows, in a ticker of their own so the file stays grouped by ticker.
        FlatFileRows.Write(path, rows,
        [
            $"ZZZZ,100,10,10,9,8,{first.WindowStartNs},3",
            $"ZZZZ,many,10,10,11,9,{first.WindowStartNs + 60_000_000_000},3",
            $"ZZZZ,100,10,10,11,9,{first.WindowStartNs + 120_000_000_000},3",
        ]);
        var worker = await StartWorkerAsync(Settings(folder), true, MaintenanceStep.LoadVolumeSlots);

        var loaded = await RunAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, false));

        Assert.True(loaded.Validation.Passed, loaded.Validation.Verdict);
        Assert.Equal(1, loaded.Metrics["skipped_rows.volume"]);
        Assert.Equal(1, loaded.Metrics["rejected.high_below_open_close"]);
        var zzzz = await DumpAsync($"SELECT slot, volume FROM volume_slots WHERE symbol = 'ZZZZ' AND trading_date = '2025-03-11'");
        var slot = Expected.SlotOf(first.WindowStartNs + 120_000_000_000, Target);
        Assert.Equal([$"{slot}|100"], zzzz);
    }

    [Fact]
    public async Task A_cut_off_history_file_fails_the_step_naming_it_and_writes_nothing_of_its_day()
    {
        var folder = Sample.CopyForTest();
        var cut = FlatFileRows.MinutePath(folder, LookbackDays[1]);
        var whole = await File.ReadAllBytesAsync(cut, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(cut, whole[..(whole.Length * 2 / 3)], TestContext.Current.CancellationToken);
        var worker = await StartWorkerAsync(Settings(folder), true, MaintenanceStep.LoadVolumeSlots);

        var failed = await RunToFailureAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, false));

        Assert.False(failed.Retryable);
        Assert.Contains($"{cut}: the gzip file is truncated or corrupt", failed.Reason, StringComparison.Ordinal);
        // Days are committed one by one: the target and the day before the cut one are whole, the cut day and those after it absent.
        Assert.Equal([LookbackDays[0].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Target.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], await DumpAsync(Days));
    }

    [Fact]
    public async Task An_empty_minute_file_fails_validation_and_a_missing_one_names_the_file()
    {
        var folder = Sample.CopyForTest();
        FlatFileRows.Write(FlatFileRows.MinutePath(folder, Target), []);
        var missing = FlatFileRows.MinutePath(folder, Target.AddDays(1));
        File.Delete(missing);
        var worker = await StartWorkerAsync(Settings(folder), true, MaintenanceStep.LoadVolumeSlots);

        var empty = await RunToFailureAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadVolumeSlots, false));
        var absent = await RunToFailureAsync(worker, MaintenanceStep.LoadVolumeSlots, id => new RunMaintenanceStep(id, Target.AddDays(1), 1, MaintenanceStep.LoadVolumeSlots));

        Assert.False(empty.Retryable);
        Assert.Contains("no minute bars for 2025-03-11", empty.Reason, StringComparison.Ordinal);
        Assert.False(absent.Retryable);
        Assert.Contains(missing, absent.Reason, StringComparison.Ordinal);
        Assert.Empty(await DumpAsync($"SELECT 1 FROM volume_slots WHERE trading_date = '2025-03-11'"));
    }
}
