using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

public sealed class RecoverMissingTickersTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private const string TickersTable = "SELECT symbol, name, exchange, type, active, market_cap, float_shares, shares_outstanding, sector, industry, cik, first_seen, updated_at FROM tickers ORDER BY symbol";

    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task Adds_every_traded_symbol_with_the_providers_reference_data_and_a_second_run_skips()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        var recovered = await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));
        var afterFirst = await DumpAsync(TickersTable);
        var again = await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));

        var universe = SampleUniverse.Create(SampleFiles.Tickers, SampleFiles.Seed);
        var traded = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).Order(StringComparer.Ordinal).ToList();
        var expected = traded.Select(symbol => universe.Find(symbol)!).Select(t => $"{t.Symbol}|{t.Name}|{t.Exchange}|{t.Type}|1|{t.Cik}|2025-03-11");
        var stored = await DumpAsync("SELECT symbol, name, exchange, type, active, cik, first_seen FROM tickers ORDER BY symbol");
        Assert.Equal(expected, stored);
        Assert.True(recovered.Validation.Passed, recovered.Validation.Verdict);
        Assert.False(recovered.Skipped);
        Assert.Equal(traded.Count, recovered.Metrics["added"]);
        Assert.True(again.Skipped, again.Validation.Verdict);
        Assert.Equal(afterFirst, await DumpAsync(TickersTable));
    }

    [Fact]
    public async Task Absent_tickers_become_inactive_and_traded_inactive_ones_active_again()
    {
        var settings = Settings();
        settings["Tasks:RecoverMissingTickers:InactiveAfterDays"] = "3";
        var worker = await StartWorkerAsync(settings, true, MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        var traded = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).Order(StringComparer.Ordinal).ToList();
        var comeback = traded[0];
        // Absent from the files on every one of the last three trading days.
        await ExecuteAsync($"""
            INSERT INTO tickers (symbol, active, first_seen, updated_at) VALUES ('GONE', true, '2025-01-02', CURRENT_TIMESTAMP);
            INSERT INTO tickers (symbol, active, first_seen, updated_at) VALUES ('{comeback}', false, '2025-01-02', CURRENT_TIMESTAMP);
            """);

        var recovered = await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));

        var lastThreeDays = new[] { new DateOnly(2025, 3, 7), new DateOnly(2025, 3, 10), Target };
        var seenRecently = lastThreeDays.SelectMany(day => FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, day)).Select(r => r.Ticker)).ToHashSet();
        var inactive = await DumpAsync("SELECT symbol FROM tickers WHERE NOT active ORDER BY symbol");
        Assert.Equal(["GONE"], inactive);
        Assert.Contains(comeback, seenRecently);
        Assert.Equal(1, recovered.Metrics["deactivated"]);
        Assert.Equal(1, recovered.Metrics["reactivated"]);
        Assert.Equal(traded.Count - 1, recovered.Metrics["added"]);
        Assert.True(recovered.Validation.Passed, recovered.Validation.Verdict);
    }

    [Fact]
    public async Task At_most_max_per_run_are_added_and_the_next_run_adds_the_rest()
    {
        var settings = Settings();
        settings["Tasks:RecoverMissingTickers:MaxPerRun"] = "25";
        var worker = await StartWorkerAsync(settings, true, MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        var traded = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).Order(StringComparer.Ordinal).ToList();

        var first = await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));
        var afterFirst = await DumpAsync("SELECT symbol FROM tickers ORDER BY symbol");
        var second = await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));

        Assert.Equal(traded.Take(25), afterFirst);
        Assert.Equal(traded.Count - 25, first.Metrics["missing_remaining"]);
        Assert.Equal(traded.Count - 25, second.Metrics["added"]);
        Assert.Equal(traded, await DumpAsync("SELECT symbol FROM tickers ORDER BY symbol"));
    }

    [Fact]
    public async Task Without_the_days_bars_it_fails_validation_and_says_why()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.RecoverMissingTickers);

        var failed = await RunToFailureAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));

        Assert.False(failed.Retryable);
        Assert.Contains("no daily bars stored for 2025-03-11", failed.Reason, StringComparison.Ordinal);
    }
}
