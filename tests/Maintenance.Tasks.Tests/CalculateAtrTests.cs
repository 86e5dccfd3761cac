using System.Globalization;
using System.Text.Json;
using Maintenance.Core;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

public sealed class CalculateAtrTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private const string AtrTable = "SELECT trading_date, symbol, period, method, atr, atr_percent FROM atr_values ORDER BY symbol";

    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task Stores_wilder_atr_of_every_active_ticker_in_the_table_and_in_atr_daily_as_computed_from_the_files()
    {
        var worker = await PrepareAsync(Settings());

        var calculated = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, false));

        var expected = ExpectedAtr();
        var stored = await ReadTableAsync();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        foreach (var (symbol, (atr, percent)) in expected)
        {
            Assert.Equal(atr, stored[symbol].Atr, 1e-12);
            Assert.Equal(percent, stored[symbol].Percent, 1e-10);
        }

        var hash = await Redis.HashGetAllAsync("atr:daily");
        Assert.Equal(expected.Count, hash.Length);
        foreach (var field in hash)
        {
            using var json = JsonDocument.Parse(field.Value.ToString());
            var (atr, percent) = expected[field.Name.ToString()];
            Assert.Equal(atr, json.RootElement.GetProperty("atr").GetDouble(), 1e-12);
            Assert.Equal(percent, json.RootElement.GetProperty("atr_percent").GetDouble(), 1e-10);
            // The session the values serve: Wednesday the 12th, the first trading day after the target.
            Assert.Equal("2025-03-12", json.RootElement.GetProperty("updated").GetString());
        }

        // Read as the analytics service reads them, on the session day: every value, under both readers' rules.
        var symbols = expected.Keys.ToList();
        var session = SampleFiles.NextDay;
        var v2 = await PlatformReaders.AtrBatchAsync(Redis, symbols, PlatformReaders.LastTradingDayV2(session), withHeadFallback: false);
        var head = await PlatformReaders.AtrBatchAsync(Redis, symbols, PlatformReaders.LastTradingDayHead(session), withHeadFallback: true);
        Assert.Equal(symbols.Order(StringComparer.Ordinal), v2.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(symbols.Order(StringComparer.Ordinal), head.Keys.Order(StringComparer.Ordinal));
        Assert.InRange((await Redis.KeyTimeToLiveAsync("atr:daily"))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));

        // The v2 orchestrator's per-symbol strings, the head reader's fallback: the ATR rounded to 4 decimals.
        foreach (var (symbol, (atr, _)) in expected)
        {
            var text = (string?)await Redis.StringGetAsync("atr:" + symbol);
            Assert.Equal(Math.Round(atr, 4), double.Parse(text!, CultureInfo.InvariantCulture));
            Assert.Matches("^[0-9]+\\.[0-9]{1,4}$", text);
            Assert.InRange((await Redis.KeyTimeToLiveAsync("atr:" + symbol))!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        }

        Assert.True(calculated.Validation.Passed, calculated.Validation.Verdict);
        Assert.Equal(expected.Count, calculated.Metrics["computed"]);
        Assert.Equal(0, calculated.Metrics["failed"]);
        Assert.All(await DumpAsync("SELECT DISTINCT period, method FROM atr_values"), row => Assert.Equal("14|wilder", row));
    }

    [Fact]
    public async Task A_second_run_skips_leaving_the_same_rows_and_hash()
    {
        var worker = await PrepareAsync(Settings());
        var first = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, false));
        var rows = await DumpAsync(AtrTable);
        var keys = await RedisDumpAsync("atr:*");

        var second = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, false));

        Assert.False(first.Skipped);
        Assert.True(second.Skipped, second.Validation.Verdict);
        Assert.Equal(rows, await DumpAsync(AtrTable));
        Assert.Equal(keys, await RedisDumpAsync("atr:*"));
    }

    [Fact]
    public async Task The_sma_method_averages_the_last_true_ranges_and_is_stored_under_its_name()
    {
        var settings = Settings();
        settings["Tasks:Atr:Method"] = "Sma";
        settings["Tasks:Atr:Period"] = "10";
        var worker = await PrepareAsync(settings);

        var calculated = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, false));

        var stored = await ReadTableAsync();
        foreach (var (symbol, bars) in WindowBars())
        {
            var trueRanges = bars.Skip(1).Select((bar, i) => Math.Max(bar.High - bar.Low, Math.Max(Math.Abs(bar.High - bars[i].Close), Math.Abs(bar.Low - bars[i].Close)))).ToList();
            Assert.Equal(trueRanges.TakeLast(10).Average(), stored[symbol].Atr, 1e-12);
        }

        Assert.True(calculated.Validation.Passed, calculated.Validation.Verdict);
        Assert.All(await DumpAsync("SELECT DISTINCT period, method FROM atr_values"), row => Assert.Equal("10|sma", row));
    }

    [Fact]
    public async Task Re_running_an_older_date_stores_its_rows_but_leaves_atr_daily_to_the_latest_date()
    {
        var worker = await PrepareAsync(Settings());
        var next = SampleFiles.NextDay;
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, next, 1, MaintenanceStep.LoadOhlc, false));
        await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, next, 1, MaintenanceStep.CalculateAtr, false));
        var latest = await RedisDumpAsync("atr:*");

        var older = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, false));

        Assert.True(older.Validation.Passed, older.Validation.Verdict);
        Assert.Equal(ExpectedAtr().Count, older.Metrics["computed"]);
        Assert.Equal(0, older.Metrics["redis_fields"]);
        Assert.Equal(ExpectedAtr().Keys.Order(StringComparer.Ordinal), (await ReadTableAsync()).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(latest, await RedisDumpAsync("atr:*"));
        Assert.Contains("\"updated\":\"2025-03-13\"", latest["atr:daily"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backfill_never_moves_the_caches_back_when_they_serve_a_later_session()
    {
        // The caches already serve Thursday the 13th (written by the run of the 12th), this database has no later bars.
        var worker = await PrepareAsync(Settings());
        await Redis.HashSetAsync("maintenance:served_sessions", "atr", "2025-03-13");
        await Redis.HashSetAsync("atr:daily", "KEEP", """{"atr":1.5,"atr_percent":2.0,"updated":"2025-03-13"}""");
        var before = await RedisDumpAsync("atr:*");

        var backfill = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.CalculateAtr, false));

        Assert.True(backfill.Validation.Passed, backfill.Validation.Verdict);
        Assert.Contains("left to the later session 2025-03-13", backfill.Validation.Verdict, StringComparison.Ordinal);
        Assert.Equal(ExpectedAtr().Count, (await ReadTableAsync()).Count);
        Assert.Equal(before, await RedisDumpAsync("atr:*"));

        // The run of the 12th itself (serving the 13th) rewrites them: same session, not an older one.
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, SampleFiles.NextDay, 1, MaintenanceStep.LoadOhlc, false));
        var current = await RunAsync(worker, MaintenanceStep.CalculateAtr, id => new RunMaintenanceStep(id, SampleFiles.NextDay, 1, MaintenanceStep.CalculateAtr, false));
        Assert.True(current.Metrics["redis_fields"] > 0, current.Validation.Verdict);
        Assert.False(await Redis.HashExistsAsync("atr:daily", "KEEP"));
    }

    /// <summary>Loads the window and registers the tickers, as the steps before ATR do.</summary>
    private async Task<TaskWorker> PrepareAsync(Dictionary<string, string?> settings)
    {
        var worker = await StartWorkerAsync(settings, true, MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers, MaintenanceStep.CalculateAtr);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));
        return worker;
    }

    /// <summary>Each symbol traded on the target date with its bars of the 30-day window, oldest first.</summary>
    private Dictionary<string, List<AggregateRow>> WindowBars()
    {
        var window = TradingCalendar.Nyse.TradingDays(Target.AddDays(-60), Target).TakeLast(SampleFiles.AtrLookbackDays);
        var bars = new Dictionary<string, List<AggregateRow>>(StringComparer.Ordinal);
        foreach (var day in window)
        {
            foreach (var row in FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, day)).Where(Expected.IsValidDailyBar))
            {
                if (!bars.TryGetValue(row.Ticker, out var list))
                {
                    bars[row.Ticker] = list = [];
                }

                list.Add(row);
            }
        }

        var tradedOnTarget = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).ToHashSet();
        return bars.Where(b => tradedOnTarget.Contains(b.Key) && b.Value.Count >= 15).ToDictionary(b => b.Key, b => b.Value, StringComparer.Ordinal);
    }

    private Dictionary<string, (double Atr, double Percent)> ExpectedAtr() =>
        WindowBars().ToDictionary(
            b => b.Key,
            b =>
            {
                var atr = Expected.WilderAtr(b.Value, 14)!.Value;
                return (atr, atr / b.Value[^1].Close * 100);
            },
            StringComparer.Ordinal);

    /// <summary>The target date's rows of <c>atr_values</c>.</summary>
    private async Task<Dictionary<string, (double Atr, double Percent)>> ReadTableAsync() =>
        (await DumpAsync("SELECT symbol, atr, atr_percent FROM atr_values WHERE trading_date = '2025-03-11'")).Select(r => r.Split('|')).ToDictionary(
            f => f[0],
            f => (double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture)),
            StringComparer.Ordinal);
}
