using Maintenance.Contracts;
using Maintenance.Host.Running;
using Spectre.Console;
using Spectre.Console.Testing;

namespace Maintenance.Host.Tests.Running;

/// <summary>What <c>run</c> makes of the steps' progress reports: sums over shards, bars, plain lines.</summary>
public sealed class RunProgressTests
{
    private static readonly Guid RunId = RunIds.ForDate(new DateOnly(2026, 11, 25));

    [Fact]
    public void A_steps_advance_is_the_sum_of_the_latest_report_of_each_shard()
    {
        var progress = new RunProgress();

        progress.Record(RunId, 1, MaintenanceStep.CalculateRvol, 0, 100, 500, "tickers");
        progress.Record(RunId, 1, MaintenanceStep.CalculateRvol, 1, 40, 480, "tickers");
        progress.Record(RunId, 1, MaintenanceStep.CalculateRvol, 0, 250, 500, "tickers");
        progress.Record(RunId, 1, MaintenanceStep.LoadOhlc, 0, 12, 60, "days");

        var advances = progress.Of(RunId);
        Assert.Equal(new StepAdvance(290, 980, "tickers"), advances[MaintenanceStep.CalculateRvol]);
        Assert.Equal(new StepAdvance(12, 60, "days"), advances[MaintenanceStep.LoadOhlc]);
        Assert.Equal(0.2, advances[MaintenanceStep.LoadOhlc].Fraction);
        Assert.Equal("290/980 tickers", advances[MaintenanceStep.CalculateRvol].ToString());
    }

    [Fact]
    public void Reports_of_an_older_attempt_are_ignored_and_a_newer_attempt_starts_afresh()
    {
        var progress = new RunProgress();

        progress.Record(RunId, 1, MaintenanceStep.LoadOhlc, 0, 50, 60, "days");
        progress.Record(RunId, 2, MaintenanceStep.LoadOhlc, 0, 3, 60, "days");
        progress.Record(RunId, 1, MaintenanceStep.LoadOhlc, 0, 55, 60, "days");

        Assert.Equal(new StepAdvance(3, 60, "days"), Assert.Single(progress.Of(RunId)).Value);
        progress.Forget(RunId);
        Assert.Empty(progress.Of(RunId));
    }

    [Fact]
    public void A_bar_follows_the_state_and_the_reported_total()
    {
        Assert.Equal(new StepBar(0, 1, false, false, false), StepBar.Of(new StepLive("pending")));
        Assert.Equal(new StepBar(3, 5, false, true, false), StepBar.Of(new StepLive("running", new StepAdvance(3, 5, "days"))));
        Assert.Equal(new StepBar(0, 1, true, true, false), StepBar.Of(new StepLive("running")));
        Assert.Equal(new StepBar(0, 1, true, true, false), StepBar.Of(new StepLive("running", new StepAdvance(7, 0, "rows"))));
        Assert.Equal(new StepBar(1, 1, false, true, true), StepBar.Of(new StepLive("success")));
        Assert.Equal(new StepBar(null, null, false, true, true), StepBar.Of(new StepLive("failed")));
        Assert.Equal(new StepBar(0, 1, false, false, true), StepBar.Of(new StepLive("skipped")));
    }

    [Fact]
    public void The_plain_line_names_the_step_its_state_and_its_progress()
    {
        Assert.Equal("load-volume-slots: running 3/5 days", RunReport.Line(MaintenanceStep.LoadVolumeSlots, new StepLive("running", new StepAdvance(3, 5, "days"))));
        Assert.Equal("load-ohlc: running 1,204 rows", RunReport.Line(MaintenanceStep.LoadOhlc, new StepLive("running", new StepAdvance(1204, 0, "rows"))));
        Assert.Equal("sync-redis: success", RunReport.Line(MaintenanceStep.SyncRedis, new StepLive("success")));
    }

    [Fact]
    public async Task On_a_terminal_each_step_has_a_bar_with_its_state_and_progress()
    {
        var console = new TestConsole().Interactive();
        console.Profile.Width = 120;

        await console.Progress().AutoClear(false).HideCompleted(false).Columns(RunProgressBars.Columns()).StartAsync(context =>
        {
            var bars = new RunProgressBars(context);
            bars.Update(new Dictionary<MaintenanceStep, StepLive>
            {
                [MaintenanceStep.ClearCaches] = new("success"),
                [MaintenanceStep.LoadOhlc] = new("running", new StepAdvance(12, 60, "days")),
                [MaintenanceStep.LoadVolumeSlots] = new("failed"),
                [MaintenanceStep.CalculateRvol] = new("skipped"),
            });
            return Task.CompletedTask;
        });

        var lines = console.Output.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        var last = lines.TakeLast(MaintenanceSteps.InOrder.Count).ToList();
        Assert.Equal(MaintenanceSteps.InOrder.Select(s => s.QueueName()), last.Select(l => l.Split(' ')[0]));
        Assert.Matches(@"^clear-caches\s+success\s.*100%", last[0]);
        Assert.Matches(@"^load-ohlc\s+running 12/60 days\s.*20%", last[1]);
        Assert.Matches(@"^load-volume-slots\s+failed\s", last[MaintenanceSteps.InOrder.ToList().IndexOf(MaintenanceStep.LoadVolumeSlots)]);
        Assert.Matches(@"^calculate-rvol\s+skipped\s", last[MaintenanceSteps.InOrder.ToList().IndexOf(MaintenanceStep.CalculateRvol)]);
        Assert.Matches(@"^sync-redis\s+pending\s.*0%", last[MaintenanceSteps.InOrder.ToList().IndexOf(MaintenanceStep.SyncRedis)]);
    }
}
