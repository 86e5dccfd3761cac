using Maintenance.Contracts;
using Maintenance.Orchestrator.Tests.Support;

namespace Maintenance.Orchestrator.Tests;

/// <summary>The run's bookkeeping without a bus: the graph's waves, dependants, shards, outcomes, stale answers.</summary>
public sealed class MaintenanceRunTests
{
    private static readonly DateOnly Date = new(2025, 12, 2);
    private static readonly DateTimeOffset T0 = new(2025, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private static readonly Func<MaintenanceStep, int> OneShard = _ => 1;

    [Fact]
    public void A_first_start_opens_attempt_one_with_every_step_of_the_graph_pending()
    {
        var run = new MaintenanceRun();
        var unknown = run.BeginAttempt(new StartMaintenance(Date, "api"), T0);

        Assert.Empty(unknown);
        Assert.Equal(1, run.Attempt);
        Assert.Equal(RunIds.ForDate(Date), run.CorrelationId);
        Assert.Equal(9, run.CurrentSteps.Count());
        Assert.All(run.CurrentSteps, s => Assert.Equal(StepStatus.Pending, s.Status));
        Assert.True(run.IsActive);
    }

    [Fact]
    public void Independent_steps_start_together_in_the_waves_of_the_graph_and_a_clean_run_completes()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);

        var waves = new List<MaintenanceStep[]>();
        while (run.StartReadySteps(T0, OneShard) is { Count: > 0 } started)
        {
            waves.Add([.. started.Select(s => s.Step)]);
            foreach (var step in started)
            {
                Assert.True(run.RecordCompleted(Completion(step.Step, 1), T0.AddSeconds(30)));
            }
        }

        Assert.Equal(
            [
                [MaintenanceStep.ClearCaches],
                [MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots],
                [MaintenanceStep.RecoverMissingTickers],
                [MaintenanceStep.CalculateAtr, MaintenanceStep.CalculateRvol, MaintenanceStep.EnrichMetadata],
                [MaintenanceStep.SyncRedis],
                [MaintenanceStep.NotifyServices],
            ],
            waves);
        Assert.True(run.AllStepsFinished);
        Assert.Equal(new AttemptOutcome(RunResult.Completed, null), run.Finish(T0.AddMinutes(9)));
        Assert.Equal(42, run.StepOf(MaintenanceStep.LoadOhlc).Metrics!["rows"]);
        Assert.False(run.IsActive);
    }

    [Fact]
    public void One_step_at_a_time_runs_the_graph_in_its_order_and_starts_nothing_beside_a_running_step()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);

        var order = new List<MaintenanceStep>();
        while (run.StartReadySteps(T0, OneShard, atOnce: 1) is { Count: > 0 } started)
        {
            var step = Assert.Single(started);
            Assert.Empty(run.StartReadySteps(T0, OneShard, atOnce: 1));
            order.Add(step.Step);
            Assert.True(run.RecordCompleted(Completion(step.Step, 1), T0.AddSeconds(30)));
        }

        Assert.Equal(MaintenanceSteps.InOrder, order);
        Assert.Equal(new AttemptOutcome(RunResult.Completed, null), run.Finish(T0.AddMinutes(9)));
    }

    [Fact]
    public void A_limit_of_two_starts_a_third_ready_step_only_when_a_place_is_free()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        Assert.Equal([MaintenanceStep.ClearCaches], Started(run, atOnce: 2));
        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.ClearCaches, 1), T0));
        Assert.Equal([MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots], Started(run, atOnce: 2));

        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.LoadOhlc, 1), T0));
        Assert.Equal([MaintenanceStep.RecoverMissingTickers], Started(run, atOnce: 2));
        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.RecoverMissingTickers, 1), T0));

        // calculate-atr and enrich-metadata are both ready; load-volume-slots still holds one of the two places.
        Assert.Equal([MaintenanceStep.CalculateAtr], Started(run, atOnce: 2));
        Assert.Empty(Started(run, atOnce: 2));
        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.LoadVolumeSlots, 1), T0));
        Assert.Equal([MaintenanceStep.CalculateRvol], Started(run, atOnce: 2));
    }

    [Fact]
    public void A_step_waits_for_all_of_its_prerequisites()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        CompleteWave(run, MaintenanceStep.ClearCaches);
        Assert.Equal([MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots], Started(run));
        run.RecordCompleted(Completion(MaintenanceStep.LoadOhlc, 1), T0);
        Assert.Equal([MaintenanceStep.RecoverMissingTickers], Started(run));
        run.RecordCompleted(Completion(MaintenanceStep.RecoverMissingTickers, 1), T0);

        // ATR and enrich need only what has finished; RVOL still waits for the volume slots.
        Assert.Equal([MaintenanceStep.CalculateAtr, MaintenanceStep.EnrichMetadata], Started(run));
        run.RecordCompleted(Completion(MaintenanceStep.LoadVolumeSlots, 1), T0);
        Assert.Equal([MaintenanceStep.CalculateRvol], Started(run));
    }

    [Fact]
    public void A_failed_step_skips_only_what_needs_it_and_the_rest_still_runs()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        CompleteWave(run, MaintenanceStep.ClearCaches);
        Started(run);
        Assert.True(run.RecordFailed(MaintenanceStep.LoadVolumeSlots, 1, "source down", T0));
        run.RecordCompleted(Completion(MaintenanceStep.LoadOhlc, 1), T0);
        CompleteAllReady(run);

        Assert.Equal(StepStatus.Skipped, run.StepOf(MaintenanceStep.CalculateRvol).Status);
        Assert.Equal("skipped: load-volume-slots did not succeed", run.StepOf(MaintenanceStep.CalculateRvol).Error);
        Assert.Equal(StepStatus.Success, run.StepOf(MaintenanceStep.SyncRedis).Status);
        Assert.Equal(StepStatus.Success, run.StepOf(MaintenanceStep.NotifyServices).Status);
        var outcome = run.Finish(T0);
        Assert.Equal(RunResult.CompletedWithErrors, outcome.Result);
        Assert.Equal("failed: load-volume-slots; skipped: calculate-rvol", outcome.Reason);
    }

    [Fact]
    public void A_failed_load_ohlc_skips_everything_that_reads_bars_and_fails_the_run()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        CompleteWave(run, MaintenanceStep.ClearCaches);
        Started(run);
        run.RecordFailed(MaintenanceStep.LoadOhlc, 1, "no grouped daily file", T0);
        CompleteAllReady(run);

        var outcome = run.Finish(T0);

        Assert.Equal(RunResult.Failed, outcome.Result);
        Assert.Equal(
            "load-ohlc failed (no grouped daily file): the day's bars are missing; failed: load-ohlc; skipped: recover-missing-tickers, calculate-atr, notify-services",
            outcome.Reason);
        Assert.Equal(StepStatus.Success, run.StepOf(MaintenanceStep.CalculateRvol).Status);
    }

    [Fact]
    public void A_run_where_no_requested_step_succeeded_fails()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api", Steps: ["enrich-metadata", "sync-redis"]), T0);
        Assert.Equal([MaintenanceStep.EnrichMetadata], Started(run));
        run.RecordFailed(MaintenanceStep.EnrichMetadata, 1, "provider 500", T0);

        Assert.Empty(Started(run));
        Assert.True(run.AllStepsFinished);
        var outcome = run.Finish(T0);

        Assert.Equal(RunResult.Failed, outcome.Result);
        Assert.Equal("every requested step failed or was skipped: failed: enrich-metadata; skipped: sync-redis", outcome.Reason);
    }

    [Fact]
    public void Requested_steps_limit_the_run_and_unknown_names_are_reported()
    {
        var run = new MaintenanceRun();
        var unknown = run.BeginAttempt(new StartMaintenance(Date, "api", Steps: ["calculate_atr", "LoadOhlc", "warm-up"]), T0);

        Assert.Equal(["warm-up"], unknown);
        Assert.Equal(
            [MaintenanceStep.LoadOhlc, MaintenanceStep.CalculateAtr],
            run.CurrentSteps.Where(s => s.Requested).Select(s => s.Step));
        Assert.Equal("not requested", run.StepOf(MaintenanceStep.ClearCaches).Error);
        Assert.Equal([MaintenanceStep.LoadOhlc], Started(run));
    }

    [Fact]
    public void A_divisible_step_is_split_into_shards_and_succeeds_when_every_shard_has_with_summed_figures()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api", Steps: ["calculate-atr"]), T0);
        var atr = Assert.Single(run.StartReadySteps(T0, _ => 3));
        Assert.Equal([0, 1, 2], atr.Shards.Select(s => s.Shard));

        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.CalculateAtr, 1, shard: 2, of: 3), T0));
        Assert.True(run.RecordProgress(new MaintenanceStepProgress(run.CorrelationId, Date, 1, MaintenanceStep.CalculateAtr, 0, 10, 40, "tickers")));
        Assert.True(run.RecordProgress(new MaintenanceStepProgress(run.CorrelationId, Date, 1, MaintenanceStep.CalculateAtr, 1, 5, 40, "tickers")));
        Assert.Equal((15L, 80L, "tickers"), (atr.ProgressDone!.Value, atr.ProgressTotal!.Value, atr.ProgressUnit!));
        Assert.False(run.RecordCompleted(Completion(MaintenanceStep.CalculateAtr, 1, shard: 2, of: 3), T0));
        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.CalculateAtr, 1, shard: 0, of: 3), T0));
        Assert.Equal(StepStatus.Running, atr.Status);
        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.CalculateAtr, 1, shard: 1, of: 3), T0));

        Assert.Equal(StepStatus.Success, atr.Status);
        Assert.Equal(3 * 42, atr.Metrics!["rows"]);
    }

    [Fact]
    public void One_failed_shard_fails_the_step_and_later_shard_answers_change_nothing()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api", Steps: ["calculate-rvol", "sync-redis"]), T0);
        Assert.Equal(2, Assert.Single(run.StartReadySteps(T0, _ => 2)).Shards.Count);

        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.CalculateRvol, 1, shard: 1, of: 2, passed: false), T0));
        Assert.False(run.RecordCompleted(Completion(MaintenanceStep.CalculateRvol, 1, shard: 0, of: 2), T0));

        var rvol = run.StepOf(MaintenanceStep.CalculateRvol);
        Assert.Equal(StepStatus.Failed, rvol.Status);
        Assert.Equal("validation failed (shard 2 of 2): calculate-rvol: 3 of 42 rows rejected (threshold 1)", rvol.Error);
        Assert.All(rvol.Shards, s => Assert.NotEqual(StepStatus.Running, s.Status));
    }

    [Fact]
    public void Late_duplicate_and_older_attempt_answers_change_nothing()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        CompleteWave(run, MaintenanceStep.ClearCaches);
        Started(run);

        Assert.False(run.RecordCompleted(Completion(MaintenanceStep.ClearCaches, 1), T0));
        Assert.False(run.RecordCompleted(Completion(MaintenanceStep.LoadOhlc, 2), T0));
        Assert.False(run.RecordFailed(MaintenanceStep.CalculateAtr, 1, "not running", T0));
        Assert.False(run.RecordProgress(new MaintenanceStepProgress(run.CorrelationId, Date, 1, MaintenanceStep.CalculateAtr, 0, 1, 2, "tickers")));
        Assert.Equal(StepStatus.Running, run.StepOf(MaintenanceStep.LoadOhlc).Status);

        Assert.True(run.RecordFailed(MaintenanceStep.LoadOhlc, 1, "timed out", T0));
        Assert.False(run.RecordCompleted(Completion(MaintenanceStep.LoadOhlc, 1), T0));
        Assert.Equal(StepStatus.Failed, run.StepOf(MaintenanceStep.LoadOhlc).Status);
    }

    [Fact]
    public void A_completion_whose_own_validation_failed_counts_as_a_failure()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        Started(run);

        Assert.True(run.RecordCompleted(Completion(MaintenanceStep.ClearCaches, 1, passed: false), T0));

        Assert.Equal(StepStatus.Failed, run.StepOf(MaintenanceStep.ClearCaches).Status);
        Assert.Equal("validation failed: clear-caches: 3 of 42 rows rejected (threshold 1)", run.StepOf(MaintenanceStep.ClearCaches).Error);
    }

    [Fact]
    public void The_notification_is_given_the_figures_of_the_successful_steps()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api", Steps: ["load-ohlc", "calculate-atr", "notify-services"]), T0);
        CompleteWave(run, MaintenanceStep.LoadOhlc);
        Started(run);
        run.RecordFailed(MaintenanceStep.CalculateAtr, 1, "boom", T0);

        Assert.Equal([MaintenanceStep.NotifyServices], Started(run));
        Assert.Equal(new Dictionary<string, double> { ["load-ohlc.rows"] = 42, ["load-ohlc.seconds"] = 0.25 }, run.SucceededFigures());
    }

    [Fact]
    public void A_second_attempt_keeps_the_first_attempts_rows()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        CompleteAllReady(run);

        run.Finish(T0.AddMinutes(5));
        run.BeginAttempt(new StartMaintenance(Date, "cli", Force: true), T0.AddHours(1));

        Assert.Equal(2, run.Attempt);
        Assert.Equal(18, run.Steps.Count);
        Assert.All(run.Steps.Where(s => s.Attempt == 1), s => Assert.Equal(StepStatus.Success, s.Status));
        Assert.All(run.CurrentSteps, s => Assert.Equal(StepStatus.Pending, s.Status));
        Assert.True(run.Force);
        Assert.Null(run.CompletedAt);
        Assert.Equal(T0.AddHours(1), run.StartedAt);
    }

    [Fact]
    public void The_graph_lists_every_step_once_and_after_its_prerequisites()
    {
        Assert.Equal(Enum.GetValues<MaintenanceStep>().Order(), MaintenanceSteps.InOrder.Order());
        var seen = new HashSet<MaintenanceStep>();
        foreach (var definition in MaintenanceSteps.Graph)
        {
            Assert.All(definition.Prerequisites, p => Assert.Contains(p, seen));
            Assert.True(seen.Add(definition.Step));
        }
    }

    private static MaintenanceStep[] Started(MaintenanceRun run, int? atOnce = null) => [.. run.StartReadySteps(T0, OneShard, atOnce).Select(s => s.Step)];

    private static void CompleteWave(MaintenanceRun run, params MaintenanceStep[] expected)
    {
        Assert.Equal(expected, Started(run));
        foreach (var step in expected)
        {
            Assert.True(run.RecordCompleted(Completion(step, run.Attempt), T0));
        }
    }

    private static void CompleteAllReady(MaintenanceRun run)
    {
        while (run.StartReadySteps(T0, OneShard) is { Count: > 0 } started)
        {
            foreach (var step in started)
            {
                run.RecordCompleted(Completion(step.Step, run.Attempt), T0);
            }
        }

        foreach (var running in run.RunningSteps.ToList())
        {
            run.RecordCompleted(Completion(running.Step, run.Attempt), T0);
            CompleteAllReady(run);
        }
    }

    private static MaintenanceStepCompleted Completion(MaintenanceStep step, int attempt, int shard = 0, int of = 1, bool passed = true) =>
        TaskScript.CompletionOf(new RunMaintenanceStep(RunIds.ForDate(Date), Date, attempt, step, Shard: shard, ShardCount: of), passed);
}
