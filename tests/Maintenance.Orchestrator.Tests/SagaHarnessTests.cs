using MassTransit.Testing;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Tests.Support;
using static Maintenance.Orchestrator.Tests.Support.SagaHarness;

namespace Maintenance.Orchestrator.Tests;

/// <summary>
/// The state machine on MassTransit's in-memory test harness with an in-memory saga repository: no servers, no files.
/// The real-transport and real-store behaviour is covered by <see cref="InMemorySagaTests"/> (SQLite) and
/// <see cref="DistributedSagaTests"/> (RabbitMQ and PostgreSQL).
/// </summary>
public sealed class SagaHarnessTests
{
    [Fact]
    public async Task Steps_whose_prerequisites_have_finished_are_sent_together_and_the_run_waits_for_all_their_answers()
    {
        var script = new TaskScript();
        foreach (var step in MaintenanceSteps.InOrder)
        {
            script.Answer(step, TaskBehaviour.Silent);
        }

        await using var test = await SagaHarness.StartAsync(script);
        var harness = test.Harness;
        var saga = test.Saga;

        await harness.Bus.Publish(new StartMaintenance(Date, "api"), TestContext.Current.CancellationToken);
        Assert.NotNull(await saga.Exists(RunId, m => m.Running));
        await AnswerAsync(harness, script, MaintenanceStep.ClearCaches);

        Assert.Equal([MaintenanceStep.ClearCaches, MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots], await SentAsync(harness, 3));
        await AnswerAsync(harness, script, MaintenanceStep.LoadVolumeSlots);
        Assert.Equal(3, harness.Sent.Select<RunMaintenanceStep>(TestContext.Current.CancellationToken).Count());

        await AnswerAsync(harness, script, MaintenanceStep.LoadOhlc);
        Assert.Contains(MaintenanceStep.RecoverMissingTickers, await SentAsync(harness, 4));
        await AnswerAsync(harness, script, MaintenanceStep.RecoverMissingTickers);
        var wave = (await SentAsync(harness, 7)).Skip(4).Order().ToList();
        Assert.Equal([MaintenanceStep.CalculateAtr, MaintenanceStep.CalculateRvol, MaintenanceStep.EnrichMetadata], wave);

        await harness.Bus.Publish(new MaintenanceStepProgress(RunId, Date, 1, MaintenanceStep.CalculateRvol, 0, 400, 1000, "tickers"), TestContext.Current.CancellationToken);
        var rvol = await RunEvents.WaitAsync(() => saga.Sagas.Contains(RunId)!.StepOf(MaintenanceStep.CalculateRvol) is { ProgressDone: 400 } row ? row : null, "calculate-rvol's progress");
        Assert.Equal((400L, 1000L, "tickers"), (rvol.ProgressDone!.Value, rvol.ProgressTotal!.Value, rvol.ProgressUnit!));

        foreach (var step in wave)
        {
            await AnswerAsync(harness, script, step);
        }

        await AnswerAsync(harness, script, MaintenanceStep.SyncRedis);
        await AnswerAsync(harness, script, MaintenanceStep.NotifyServices);
        await RunEvents.WaitAsync(() => saga.Sagas.Contains(RunId) is { CurrentState: "Completed" } run ? run : null, "the run completed");
        // The saga is seen completed before its outbox has handed the announcement to the bus.
        await RunEvents.WaitAsync(() => harness.Published.Select<MaintenanceCompleted>(TestContext.Current.CancellationToken).FirstOrDefault(), "MaintenanceCompleted published");
        var completed = Assert.Single(harness.Published.Select<MaintenanceCompleted>(TestContext.Current.CancellationToken)).Context.Message;
        Assert.True(completed.Succeeded);
        Assert.Equal(MaintenanceSteps.Graph.Count, harness.Sent.Select<RunMaintenanceStep>(TestContext.Current.CancellationToken).Count());
    }

    [Fact]
    public async Task The_notification_is_sent_the_figures_of_the_steps_that_succeeded()
    {
        var script = new TaskScript().Answer(MaintenanceStep.CalculateRvol, TaskBehaviour.Fail);
        await using var test = await SagaHarness.StartAsync(script);
        var harness = test.Harness;
        var saga = test.Saga;

        await harness.Bus.Publish(new StartMaintenance(Date, "api"), TestContext.Current.CancellationToken);

        await RunEvents.WaitAsync(() => saga.Sagas.Contains(RunId) is { CurrentState: "CompletedWithErrors" } run ? run : null, "the run completed with errors");
        var notify = harness.Sent.Select<RunMaintenanceStep>(TestContext.Current.CancellationToken).Select(s => s.Context.Message).Single(c => c.Step == MaintenanceStep.NotifyServices);
        Assert.Equal(42, notify.Expected!["calculate-atr.rows"]);
        Assert.DoesNotContain("calculate-rvol.rows", notify.Expected!.Keys);
        // Sync and the notification run after RVOL but do not need it: only RVOL's own keys are missing.
        // The saga is seen completed before its outbox has handed the announcement to the bus.
        await RunEvents.WaitAsync(() => harness.Published.Select<MaintenanceCompleted>(TestContext.Current.CancellationToken).FirstOrDefault(), "MaintenanceCompleted published");
        var steps = Assert.Single(harness.Published.Select<MaintenanceCompleted>(TestContext.Current.CancellationToken)).Context.Message.Steps;
        Assert.Equal([MaintenanceStep.CalculateRvol], steps.Where(s => s.Status != StepStatus.Success).Select(s => s.Step));
    }

    [Fact]
    public async Task With_two_shards_every_divisible_step_is_sent_twice_and_joined_with_its_figures_summed()
    {
        var script = new TaskScript();
        await using var test = await SagaHarness.StartAsync(script, shards: 2);
        var harness = test.Harness;
        var saga = test.Saga;

        await harness.Bus.Publish(new StartMaintenance(Date, "api"), TestContext.Current.CancellationToken);

        var run = await RunEvents.WaitAsync(() => saga.Sagas.Contains(RunId) is { CurrentState: "Completed" } r ? r : null, "the run completed");
        var sent = harness.Sent.Select<RunMaintenanceStep>(TestContext.Current.CancellationToken).Select(s => s.Context.Message).ToList();
        MaintenanceStep[] divisible = [MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots, MaintenanceStep.CalculateAtr, MaintenanceStep.CalculateRvol];
        foreach (var step in MaintenanceSteps.InOrder)
        {
            var shards = sent.Where(c => c.Step == step).Select(c => (c.Shard, c.ShardCount)).Order().ToList();
            Assert.Equal(divisible.Contains(step) ? [(0, 2), (1, 2)] : [(0, 1)], shards);
        }

        Assert.Equal(84, run.StepOf(MaintenanceStep.CalculateAtr).Metrics!["rows"]);
        Assert.Equal(42, run.StepOf(MaintenanceStep.EnrichMetadata).Metrics!["rows"]);
    }

    [Fact]
    public async Task One_step_at_a_time_sends_each_step_in_the_graphs_order_after_the_previous_one_answered()
    {
        var script = new TaskScript();
        await using var test = await SagaHarness.StartAsync(script, stepsAtOnce: 1);

        await test.Harness.Bus.Publish(new StartMaintenance(Date, "api"), TestContext.Current.CancellationToken);

        var run = await RunEvents.WaitAsync(() => test.Saga.Sagas.Contains(RunId) is { CurrentState: "Completed" } r ? r : null, "the run completed");
        Assert.Equal(MaintenanceSteps.InOrder, script.Received.Select(c => c.Step));
        var steps = MaintenanceSteps.InOrder.Select(run.StepOf).ToList();
        for (var i = 1; i < steps.Count; i++)
        {
            Assert.True(steps[i].StartedAt >= steps[i - 1].CompletedAt, $"{steps[i].Step} started at {steps[i].StartedAt:O}, before {steps[i - 1].Step} answered at {steps[i - 1].CompletedAt:O}");
        }
    }

    /// <summary>The steps whose commands the saga has sent so far, in order, once at least <paramref name="count"/> are out.</summary>
    private static Task<List<MaintenanceStep>> SentAsync(ITestHarness harness, int count) =>
        RunEvents.WaitAsync(
            () =>
            {
                var sent = harness.Sent.Select<RunMaintenanceStep>(TestContext.Current.CancellationToken).Select(s => s.Context.Message.Step).ToList();
                return sent.Count >= count ? sent : null;
            },
            $"{count} step commands");

    private static async Task AnswerAsync(ITestHarness harness, TaskScript script, MaintenanceStep step)
    {
        var command = await RunEvents.WaitAsync(() => script.FirstOf(step), "the " + step.QueueName() + " command");
        var answer = TaskScript.CompletionOf(command);
        await harness.Bus.Publish(answer, TestContext.Current.CancellationToken);
        var saga = harness.GetSagaStateMachineHarness<MaintenanceStateMachine, MaintenanceRun>();
        // Polled: the harness's Any() stops waiting once it has seen the bus idle.
        await RunEvents.WaitAsync(() => saga.Sagas.Contains(RunId)?.StepOf(step) is { Status: StepStatus.Success } row ? row : null, step.QueueName() + " recorded");
    }
}
