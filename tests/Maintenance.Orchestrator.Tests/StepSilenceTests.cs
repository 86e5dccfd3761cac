using Maintenance.Contracts;
using Maintenance.Orchestrator.Timeouts;
using Maintenance.Orchestrator.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Maintenance.Orchestrator.Tests;

/// <summary>A running step heard from by none of its shards for the silence window is sent again (pure bookkeeping, a fixed clock).</summary>
public sealed class StepSilenceTests
{
    private static readonly DateOnly Date = new(2025, 12, 2);
    private static readonly DateTimeOffset T0 = new(2025, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private static readonly StepSilence Silence = new(TimeSpan.FromSeconds(90), 2);

    [Fact]
    public void A_step_heard_from_within_the_window_is_left_alone_and_checked_again_when_the_window_would_end()
    {
        var run = RunOf("calculate-atr", shards: 2);
        Assert.True(run.RecordProgress(Progress(MaintenanceStep.CalculateAtr, shard: 1), T0.AddSeconds(60)));

        var verdict = run.CheckSilence(MaintenanceStep.CalculateAtr, 1, T0.AddSeconds(100), Silence);

        Assert.Empty(verdict.Resend);
        Assert.Null(verdict.Reason);
        Assert.Equal(T0.AddSeconds(150), verdict.NextCheckAt);
    }

    [Fact]
    public void A_silent_step_gets_its_unanswered_shards_sent_again_with_the_reason_and_a_next_check()
    {
        var run = RunOf("calculate-atr", shards: 3);
        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.CalculateAtr, shard: 1, of: 3), T0.AddSeconds(10)));

        var verdict = run.CheckSilence(MaintenanceStep.CalculateAtr, 1, T0.AddSeconds(100), Silence);

        Assert.Equal([0, 2], verdict.Resend);
        Assert.Equal("no progress and no answer for 90 s: its command or answer was lost (re-send 1 of 2)", verdict.Reason);
        Assert.Equal(T0.AddSeconds(190), verdict.NextCheckAt);
        var shards = run.StepOf(MaintenanceStep.CalculateAtr).Shards;
        Assert.Equal([1, 0, 1], shards.Select(s => s.Resends));
        Assert.Equal(T0.AddSeconds(100), shards[0].HeardAt);
    }

    [Fact]
    public void A_heartbeat_keeps_a_step_alive_without_touching_its_figures()
    {
        var run = RunOf("load-ohlc", shards: 1);
        Assert.True(run.RecordProgress(Progress(MaintenanceStep.LoadOhlc, shard: 0, done: 40, total: 100, unit: "tickers"), T0.AddSeconds(30)));
        Assert.True(run.RecordProgress(Progress(MaintenanceStep.LoadOhlc, shard: 0, done: 0, total: 0, unit: ""), T0.AddSeconds(80)));

        var verdict = run.CheckSilence(MaintenanceStep.LoadOhlc, 1, T0.AddSeconds(150), Silence);

        Assert.Empty(verdict.Resend);
        Assert.Equal(T0.AddSeconds(170), verdict.NextCheckAt);
        var row = run.StepOf(MaintenanceStep.LoadOhlc);
        Assert.Equal((40L, 100L, "tickers"), (row.ProgressDone!.Value, row.ProgressTotal!.Value, row.ProgressUnit!));
    }

    [Fact]
    public void Re_sending_stops_after_the_most_re_sends_and_leaves_the_step_to_its_deadline()
    {
        var run = RunOf("load-volume-slots", shards: 1);
        Assert.Equal([0], run.CheckSilence(MaintenanceStep.LoadVolumeSlots, 1, T0.AddSeconds(90), Silence).Resend);
        Assert.Empty(run.CheckSilence(MaintenanceStep.LoadVolumeSlots, 1, T0.AddSeconds(120), Silence).Resend);
        Assert.Equal([0], run.CheckSilence(MaintenanceStep.LoadVolumeSlots, 1, T0.AddSeconds(180), Silence).Resend);

        var verdict = run.CheckSilence(MaintenanceStep.LoadVolumeSlots, 1, T0.AddSeconds(300), Silence);

        Assert.Empty(verdict.Resend);
        Assert.Null(verdict.NextCheckAt);
        Assert.Equal("no progress and no answer for 120 s after 2 re-sends; waiting for the step's deadline", verdict.Reason);
        Assert.Equal(StepStatus.Running, run.StepOf(MaintenanceStep.LoadVolumeSlots).Status);
    }

    [Fact]
    public void A_finished_step_or_an_older_attempt_is_not_checked_again()
    {
        var run = RunOf("load-ohlc", shards: 1);
        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.LoadOhlc), T0.AddSeconds(5)));

        var finished = run.CheckSilence(MaintenanceStep.LoadOhlc, 1, T0.AddHours(1), Silence);
        var older = run.CheckSilence(MaintenanceStep.LoadOhlc, 0, T0.AddHours(1), Silence);

        Assert.Equal((0, null, null), (finished.Resend.Count, finished.NextCheckAt, finished.Reason));
        Assert.Equal((0, null, null), (older.Resend.Count, older.NextCheckAt, older.Reason));
    }

    [Fact]
    public void The_window_and_the_most_re_sends_come_from_configuration_with_defaults_of_90_s_and_3()
    {
        Assert.Equal(StepSilence.Default, StepSilence.FromConfiguration(Configuration()));
        Assert.Equal((TimeSpan.FromSeconds(90), 3), (StepSilence.Default.Window, StepSilence.Default.MaxResends));
        var set = StepSilence.FromConfiguration(Configuration(("Window", "00:02:00"), ("MaxResends", "5")));
        Assert.Equal((TimeSpan.FromMinutes(2), 5), (set.Window, set.MaxResends));
        Assert.Equal(TimeSpan.FromSeconds(30), StepSilence.FromConfiguration(Configuration(("Window", "30"))).Window);
        var wrong = Assert.Throws<InvalidOperationException>(() => StepSilence.FromConfiguration(Configuration(("Window", "soon"))));
        Assert.Equal("Maintenance:StepSilence:Window = 'soon' is not a duration; write 00:01:30 or a number of seconds.", wrong.Message);
        Assert.Throws<InvalidOperationException>(() => StepSilence.FromConfiguration(Configuration(("Window", "0"))));
    }

    private static MaintenanceRun RunOf(string step, int shards)
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api", Steps: [step]), T0);
        Assert.Single(run.StartReadySteps(T0, _ => shards));
        return run;
    }

    private static MaintenanceStepProgress Progress(MaintenanceStep step, int shard, long done = 1, long total = 2, string unit = "tickers") =>
        new(RunIds.ForDate(Date), Date, 1, step, shard, done, total, unit);

    private static MaintenanceStepCompleted Completion(MaintenanceStep step, int shard = 0, int of = 1) =>
        TaskScript.CompletionOf(new RunMaintenanceStep(RunIds.ForDate(Date), Date, 1, step, Shard: shard, ShardCount: of));

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"{StepSilence.Section}:{v.Key}", v.Value)))
            .Build();
}
