using Maintenance.Core;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

// Inside the namespace, so the command types win over the task folders' namespaces of the same names.
using Maintenance.Contracts;

public sealed class LoadOhlcTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private const string DailyBarsTable = "SELECT symbol, trading_date, open, high, low, close, volume, vwap, trades FROM daily_bars ORDER BY symbol, trading_date";

    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task Loads_the_target_day_and_the_atr_window_exactly_as_the_files_hold_them()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc);

        var loaded = await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        var window = TradingCalendar.Nyse.TradingDays(Target.AddDays(-60), Target).TakeLast(SampleFiles.AtrLookbackDays).ToList();
        var expected = new List<string>();
        foreach (var day in window)
        {
            foreach (var row in FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, day)).Where(Expected.IsValidDailyBar))
            {
                expected.Add(string.Join("|", row.Ticker, day.ToString("yyyy-MM-dd"), Text(row.Open), Text(row.High), Text(row.Low), Text(row.Close), row.Volume, "null", row.Transactions));
            }
        }

        var stored = await DumpAsync("SELECT symbol, trading_date, open, high, low, close, volume, vwap, trades FROM daily_bars ORDER BY symbol, trading_date");
        Assert.Equal(expected.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.False(loaded.Skipped);
        Assert.True(loaded.Validation.Passed, loaded.Validation.Verdict);
        var targetRows = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Count(Expected.IsValidDailyBar);
        Assert.Equal(targetRows, loaded.Metrics["rows"]);
        Assert.Equal(SampleFiles.AtrLookbackDays - 1, loaded.Metrics["history_days_loaded"]);
        Assert.Equal(0, loaded.Metrics["history_days_unavailable"]);
        // The breakdown of a first run: reading, writing, and what the write did after its last row.
        Assert.True(loaded.Metrics["read_seconds"] > 0);
        Assert.True(loaded.Metrics["write_seconds"] > 0);
        Assert.InRange(loaded.Metrics["write_after_last_row_seconds"], 0, loaded.Metrics["write_seconds"]);
        Assert.InRange(loaded.Metrics["write_waited_for_reads_seconds"], 0, loaded.Metrics["write_seconds"]);
    }

    [Fact]
    public async Task Three_shards_split_the_atr_window_and_together_store_what_one_run_stores()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc);
        var shards = new List<MaintenanceStepCompleted>();
        var daysAfter = new List<int>();
        for (var shard = 0; shard < 3; shard++)
        {
            var number = shard;
            shards.Add(await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, Shard: number, ShardCount: 3)));
            daysAfter.Add((await DumpAsync("SELECT DISTINCT trading_date FROM daily_bars")).Count);
        }

        var sharded = await DumpAsync(DailyBarsTable);
        await ExecuteAsync("DELETE FROM daily_bars");
        var whole = await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 2, MaintenanceStep.LoadOhlc, false));

        // Each shard stores its third of the window's days; the last one also the target day.
        var third = SampleFiles.AtrLookbackDays / 3;
        Assert.Equal([third, 2 * third, SampleFiles.AtrLookbackDays], daysAfter);
        Assert.All(shards, s => Assert.True(s.Validation.Passed, s.Validation.Verdict));
        Assert.Equal(await DumpAsync(DailyBarsTable), sharded);
        Assert.Equal(whole.Metrics["history_rows"], shards.Sum(s => s.Metrics["history_rows"]));
        Assert.Equal(whole.Metrics["history_days_loaded"], shards.Sum(s => s.Metrics["history_days_loaded"]));
        Assert.Equal(whole.Metrics["window_days"], shards.Sum(s => s.Metrics["window_days"]));
        Assert.Equal(whole.Metrics["rows"], shards[2].Metrics["rows"]);
        Assert.False(shards[0].Metrics.ContainsKey("rows"));
    }

    [Fact]
    public async Task A_second_run_skips_and_leaves_the_same_rows_and_force_reloads_to_the_same_rows()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc);
        var first = await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        var afterFirst = await DumpAsync(DailyBarsTable);

        var second = await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        var afterSecond = await DumpAsync(DailyBarsTable);

        var forced = await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 2, MaintenanceStep.LoadOhlc, true));
        var afterForced = await DumpAsync(DailyBarsTable);

        Assert.False(first.Skipped);
        Assert.True(second.Skipped, second.Validation.Verdict);
        Assert.True(second.Validation.Passed);
        Assert.False(forced.Skipped);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(afterFirst, afterForced);
    }

    [Fact]
    public async Task Unreadable_and_invalid_rows_are_counted_by_reason_and_the_good_rows_stored()
    {
        var folder = Sample.CopyForTest();
        var path = FlatFileRows.DayPath(folder, Target);
        var rows = FlatFileRows.Read(path);
        var template = rows[0];
        FlatFileRows.Write(path, rows,
        [
            // Not a number in the volume column: unreadable.
            $"BADVOL,lots,{Text(template.Open)},{Text(template.Close)},{Text(template.High)},{Text(template.Low)},{template.WindowStartNs},5",
            // Too few columns: unreadable.
            "SHORT,1,2",
            // High below open and close: rejected by validation.
            $"HIGHLOW,1000,10,10,9,8,{template.WindowStartNs},5",
            // A negative price: the reader already refuses it.
            $"NEGATIVE,1000,-1,10,11,9,{template.WindowStartNs},5",
        ]);
        var worker = await StartWorkerAsync(Settings(folder), true, MaintenanceStep.LoadOhlc);

        var loaded = await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        Assert.True(loaded.Validation.Passed, loaded.Validation.Verdict);
        Assert.Equal(rows.Count, loaded.Metrics["rows"]);
        Assert.Equal(3, loaded.Metrics.Where(m => m.Key.StartsWith("skipped_rows.", StringComparison.Ordinal)).Sum(m => m.Value));
        Assert.Equal(1, loaded.Metrics["skipped_rows.price"]);
        Assert.Equal(1, loaded.Metrics["skipped_rows.volume"]);
        Assert.Equal(1, loaded.Metrics["rejected.high_below_open_close"]);
        var stored = await DumpAsync($"SELECT symbol FROM daily_bars WHERE trading_date = '{Target:yyyy-MM-dd}' ORDER BY symbol");
        Assert.Equal(rows.Select(r => r.Ticker).Order(StringComparer.Ordinal), stored);
    }

    [Fact]
    public async Task An_empty_day_file_fails_validation_with_the_reason_and_stores_nothing()
    {
        var folder = Sample.CopyForTest();
        FlatFileRows.Write(FlatFileRows.DayPath(folder, Target), []);
        var worker = await StartWorkerAsync(Settings(folder), true, MaintenanceStep.LoadOhlc);

        var failed = await RunToFailureAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        Assert.Equal(MaintenanceStep.LoadOhlc, failed.Step);
        Assert.False(failed.Retryable);
        Assert.Contains("no daily bars for 2025-03-11", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(await DumpAsync(DailyBarsTable));
    }

    [Fact]
    public async Task Missing_history_day_files_fail_validation_naming_them_in_date_order()
    {
        var folder = Sample.CopyForTest();
        var window = TradingCalendar.Nyse.TradingDays(Target.AddDays(-60), Target).TakeLast(SampleFiles.AtrLookbackDays).ToList();
        var later = FlatFileRows.DayPath(folder, window[5]);
        var earlier = FlatFileRows.DayPath(folder, window[2]);
        File.Delete(later);
        File.Delete(earlier);
        var worker = await StartWorkerAsync(Settings(folder), true, MaintenanceStep.LoadOhlc);

        var failed = await RunToFailureAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        Assert.False(failed.Retryable);
        Assert.Contains("2 history day(s) of the ATR window unavailable (at most 0 allowed)", failed.Reason, StringComparison.Ordinal);
        Assert.True(failed.Reason.IndexOf(earlier, StringComparison.Ordinal) < failed.Reason.IndexOf(later, StringComparison.Ordinal), failed.Reason);
        Assert.Equal(SampleFiles.AtrLookbackDays - 2, (await DumpAsync("SELECT DISTINCT trading_date FROM daily_bars")).Count);
    }

    [Fact]
    public async Task A_missing_day_file_fails_at_once_naming_the_file()
    {
        var folder = Sample.CopyForTest();
        var path = FlatFileRows.DayPath(folder, Target);
        File.Delete(path);
        var worker = await StartWorkerAsync(Settings(folder), true, MaintenanceStep.LoadOhlc);

        var failed = await RunToFailureAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        Assert.False(failed.Retryable);
        Assert.Contains(path, failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coverage_of_the_active_universe_below_the_threshold_fails_validation_and_keeps_the_stored_day()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc);
        // The day's symbols plus ten active tickers the market does not trade: below the default 90 %.
        var traded = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).ToList();
        await ExecuteAsync(string.Join(";", traded.Concat(Enumerable.Range(0, 10).Select(i => $"GONE{i}")).Select(symbol =>
            $"INSERT INTO tickers (symbol, active, first_seen, updated_at) VALUES ('{symbol}', true, '2025-01-02', CURRENT_TIMESTAMP)")));

        var failed = await RunToFailureAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        Assert.False(failed.Retryable);
        Assert.Contains("coverage too low", failed.Reason, StringComparison.Ordinal);
        Assert.Contains($"{traded.Count}/{traded.Count + 10} active tickers covered", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("the day was not stored", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(await DumpAsync($"SELECT 1 FROM daily_bars WHERE trading_date = '{Target:yyyy-MM-dd}'"));
    }

    [Fact]
    public async Task A_day_that_is_not_a_trading_day_fails_with_the_reason()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc);

        var failed = await RunToFailureAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, new DateOnly(2025, 3, 8), 1, MaintenanceStep.LoadOhlc));

        Assert.False(failed.Retryable);
        Assert.Contains("2025-03-08 is not a NYSE trading day", failed.Reason, StringComparison.Ordinal);
    }

    private static string Text(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
