using Maintenance.Contracts;
using Maintenance.Orchestrator.Tests.Support;

namespace Maintenance.Orchestrator.Tests;

/// <summary>The run's bookkeeping without a bus: order, dependants, outcomes, stale answers.</summary>
public sealed class MaintenanceRunTests
{
    private static readonly DateOnly Date = new(2025, 12, 2);
    private static readonly DateTimeOffset T0 = new(2025, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_first_start_opens_attempt_one_with_eight_pending_steps_in_order()
    {
        var run = new MaintenanceRun();
        var unknown = run.BeginAttempt(new StartMaintenance(Date, "api"), T0);

        Assert.Empty(unknown);
        Assert.Equal(1, run.Attempt);
        Assert.Equal(RunIds.ForDate(Date), run.CorrelationId);
        Assert.Equal(MaintenanceSteps.InOrder, run.CurrentSteps.Select(s => s.Step));
        Assert.All(run.CurrentSteps, s => Assert.Equal(StepStatus.Pending, s.Status));
        Assert.True(run.IsActive);
    }

    [Fact]
    public void Steps_run_one_at_a_time_in_order_and_a_clean_run_completes()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        var order = new List<MaintenanceStep>();
        for (var i = 0; run.StartNextStep(T0.AddMinutes(i)) is { } step; i++)
        {
            Assert.Single(run.CurrentSteps, s => s.Status == StepStatus.Running);
            order.Add(step.Step);
            Assert.True(run.RecordCompleted(step.Step, Completion(step.Step, 1), T0.AddMinutes(i).AddSeconds(30)));
        }

        var outcome = run.Finish(T0.AddMinutes(9));

        Assert.Equal(MaintenanceSteps.InOrder, order);
        Assert.Equal(new RunOutcome(RunResult.Completed, null), outcome);
        Assert.All(run.CurrentSteps, s => Assert.Equal(StepStatus.Success, s.Status));
        Assert.Equal(42, run.StepOf(MaintenanceStep.LoadOhlc).Metrics!["rows"]);
        Assert.False(run.IsActive);
    }

    [Fact]
    public void A_failed_step_skips_its_dependant_and_the_independent_steps_still_run()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        Complete(run, MaintenanceStep.ClearCaches);
        Complete(run, MaintenanceStep.LoadOhlc);
        Complete(run, MaintenanceStep.RecoverMissingTickers);
        var slots = run.StartNextStep(T0)!;
        Assert.Equal(MaintenanceStep.LoadVolumeSlots, slots.Step);
        Assert.True(run.RecordFailed(MaintenanceStep.LoadVolumeSlots, 1, "source down", T0));

        Assert.Equal(StepStatus.Skipped, run.StepOf(MaintenanceStep.CalculateRvol).Status);
        Assert.Equal("skipped: load-volume-slots did not succeed", run.StepOf(MaintenanceStep.CalculateRvol).Error);
        Assert.Equal(MaintenanceStep.CalculateAtr, run.StartNextStep(T0)!.Step);
        run.RecordCompleted(MaintenanceStep.CalculateAtr, Completion(MaintenanceStep.CalculateAtr, 1), T0);
        Assert.Equal(MaintenanceStep.EnrichMetadata, run.StartNextStep(T0)!.Step);
        run.RecordCompleted(MaintenanceStep.EnrichMetadata, Completion(MaintenanceStep.EnrichMetadata, 1), T0);
        Assert.Equal(MaintenanceStep.SyncRedis, run.StartNextStep(T0)!.Step);
        run.RecordCompleted(MaintenanceStep.SyncRedis, Completion(MaintenanceStep.SyncRedis, 1), T0);
        Assert.Null(run.StartNextStep(T0));

        var outcome = run.Finish(T0);
        Assert.Equal(RunResult.CompletedWithErrors, outcome.Result);
        Assert.Equal("failed: load-volume-slots; skipped: calculate-rvol", outcome.Reason);
    }

    [Fact]
    public void A_failed_load_ohlc_fails_the_run_because_the_days_bars_are_missing()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        Complete(run, MaintenanceStep.ClearCaches);
        run.StartNextStep(T0);
        run.RecordFailed(MaintenanceStep.LoadOhlc, 1, "no grouped daily file", T0);
        while (run.StartNextStep(T0) is { } step)
        {
            run.RecordCompleted(step.Step, Completion(step.Step, 1), T0);
        }

        var outcome = run.Finish(T0);

        Assert.Equal(StepStatus.Skipped, run.StepOf(MaintenanceStep.CalculateAtr).Status);
        Assert.Equal(RunResult.Failed, outcome.Result);
        Assert.Equal("load-ohlc failed (no grouped daily file): the day's bars are missing; failed: load-ohlc; skipped: calculate-atr", outcome.Reason);
    }

    [Fact]
    public void A_run_where_no_requested_step_succeeded_fails()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api", Steps: ["enrich-metadata", "sync-redis"]), T0);
        run.StartNextStep(T0);
        run.RecordFailed(MaintenanceStep.EnrichMetadata, 1, "provider 500", T0);

        Assert.Null(run.StartNextStep(T0));
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
        Assert.Equal(MaintenanceStep.LoadOhlc, run.StartNextStep(T0)!.Step);
    }

    [Fact]
    public void Late_duplicate_and_older_attempt_answers_change_nothing()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        Complete(run, MaintenanceStep.ClearCaches);
        run.StartNextStep(T0);

        Assert.False(run.RecordCompleted(MaintenanceStep.ClearCaches, Completion(MaintenanceStep.ClearCaches, 1), T0));
        Assert.False(run.RecordCompleted(MaintenanceStep.LoadOhlc, Completion(MaintenanceStep.LoadOhlc, 2), T0));
        Assert.False(run.RecordFailed(MaintenanceStep.CalculateAtr, 1, "not running", T0));
        Assert.Equal(StepStatus.Running, run.StepOf(MaintenanceStep.LoadOhlc).Status);

        Assert.True(run.RecordFailed(MaintenanceStep.LoadOhlc, 1, "timed out", T0));
        Assert.False(run.RecordCompleted(MaintenanceStep.LoadOhlc, Completion(MaintenanceStep.LoadOhlc, 1), T0));
        Assert.Equal(StepStatus.Failed, run.StepOf(MaintenanceStep.LoadOhlc).Status);
    }

    [Fact]
    public void A_completion_whose_own_validation_failed_counts_as_a_failure()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        run.StartNextStep(T0);
        var command = new ClearCaches(run.CorrelationId, Date, 1, false);

        Assert.True(run.RecordCompleted(MaintenanceStep.ClearCaches, TaskScript.CompletionOf(MaintenanceStep.ClearCaches, command, passed: false), T0));

        Assert.Equal(StepStatus.Failed, run.StepOf(MaintenanceStep.ClearCaches).Status);
        Assert.Equal("validation failed: clear-caches: 3 of 42 rows rejected (threshold 1)", run.StepOf(MaintenanceStep.ClearCaches).Error);
    }

    [Fact]
    public void A_second_attempt_keeps_the_first_attempts_rows()
    {
        var run = new MaintenanceRun();
        run.BeginAttempt(new StartMaintenance(Date, "api"), T0);
        while (run.StartNextStep(T0) is { } step)
        {
            run.RecordCompleted(step.Step, Completion(step.Step, 1), T0);
        }

        run.Finish(T0.AddMinutes(5));
        run.BeginAttempt(new StartMaintenance(Date, "cli", Force: true), T0.AddHours(1));

        Assert.Equal(2, run.Attempt);
        Assert.Equal(16, run.Steps.Count);
        Assert.All(run.Steps.Where(s => s.Attempt == 1), s => Assert.Equal(StepStatus.Success, s.Status));
        Assert.All(run.CurrentSteps, s => Assert.Equal(StepStatus.Pending, s.Status));
        Assert.True(run.Force);
        Assert.Null(run.CompletedAt);
        Assert.Equal(T0.AddHours(1), run.StartedAt);
    }

    private static void Complete(MaintenanceRun run, MaintenanceStep expected)
    {
        var step = run.StartNextStep(T0)!;
        Assert.Equal(expected, step.Step);
        Assert.True(run.RecordCompleted(step.Step, Completion(step.Step, run.Attempt), T0));
    }

    private static IStepCompleted Completion(MaintenanceStep step, int attempt) =>
        TaskScript.CompletionOf(step, new LoadOhlc(RunIds.ForDate(Date), Date, attempt, false));
}
