using MassTransit;
using MassTransit.Testing;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Tests.Support;
using static Maintenance.Orchestrator.Tests.Support.SagaHarness;
using Maintenance.Orchestrator.Timeouts;

namespace Maintenance.Orchestrator.Tests;

/// <summary>
/// A step command lost on the way (no worker ever answers the first copy): the saga, hearing nothing from the step
/// for its silence window, sends the same command again and the run completes on the answer to the copy. In-memory
/// harness and a real Quartz scheduler, no servers.
/// </summary>
public sealed class SilenceResendSagaTests
{
    [Fact]
    public async Task A_step_whose_command_was_lost_is_sent_again_after_the_silence_and_the_run_completes()
    {
        var script = new TaskScript().Answer(MaintenanceStep.LoadOhlc, TaskBehaviour.Silent);
        await using var test = await SagaHarness.StartAsync(script, new StepSilence(TimeSpan.FromSeconds(2), 3), productionEndpoint: true);
        var harness = test.Harness;
        var saga = test.Saga;

        await harness.Bus.Publish(new StartMaintenance(Date, "api", Steps: ["load-ohlc"]), TestContext.Current.CancellationToken);

        var copies = await RunEvents.WaitAsync(() => script.ReceivedOf(MaintenanceStep.LoadOhlc) is { Count: >= 2 } c ? c : null, "the load-ohlc command sent again", TimeSpan.FromSeconds(20));
        Assert.Equal(copies[0], copies[1]);
        Assert.Equal((1, 0), (copies[1].Attempt, copies[1].Shard));
        Assert.Equal(1, saga.Sagas.Contains(RunId)!.StepOf(MaintenanceStep.LoadOhlc).Shards[0].Resends);

        await harness.Bus.Publish(TaskScript.CompletionOf(copies[1]), TestContext.Current.CancellationToken);
        var run = await RunEvents.WaitAsync(() => saga.Sagas.Contains(RunId) is { CurrentState: "Completed" } r ? r : null, "the run completed");
        Assert.Equal(StepStatus.Success, run.StepOf(MaintenanceStep.LoadOhlc).Status);
        // The saga is seen completed before its outbox has handed the announcement to the bus.
        await RunEvents.WaitAsync(() => harness.Published.Select<MaintenanceCompleted>(TestContext.Current.CancellationToken).FirstOrDefault(), "MaintenanceCompleted published");
        Assert.True(Assert.Single(harness.Published.Select<MaintenanceCompleted>(TestContext.Current.CancellationToken)).Context.Message.Succeeded);
    }

    /// <summary>
    /// What the fault suite's "broker connections closed" hit: the saga commits a step as sent, then the in-memory
    /// outbox's send dies with the connection; the retry finds the answer it is handling already recorded (a duplicate),
    /// so nothing sends the command again and, without the silence check, the run waits for the step's deadline.
    /// </summary>
    [Fact]
    public async Task A_command_whose_send_failed_after_the_saga_committed_is_sent_again_after_the_silence()
    {
        var script = new TaskScript();
        var failures = 0;
        await using var test = await SagaHarness.StartAsync(script, new StepSilence(TimeSpan.FromSeconds(2), 3), productionEndpoint: true, send: send => send.UseExecute(context =>
        {
            if (context is SendContext<RunMaintenanceStep> { Message.Step: MaintenanceStep.LoadVolumeSlots } && Interlocked.Increment(ref failures) == 1)
            {
                throw new IOException("injected: the broker closed the connection");
            }
        }));
        var harness = test.Harness;
        var saga = test.Saga;

        await harness.Bus.Publish(new StartMaintenance(Date, "api", Steps: ["clear-caches", "load-ohlc", "load-volume-slots"]), TestContext.Current.CancellationToken);

        var run = await RunEvents.WaitAsync(() => saga.Sagas.Contains(RunId) is { CurrentState: "Completed" } r ? r : null, "the run completed", TimeSpan.FromSeconds(30));
        Assert.True(failures >= 2, $"the load-volume-slots send was tried {failures} times");
        Assert.Single(script.ReceivedOf(MaintenanceStep.LoadVolumeSlots));
        Assert.Equal(1, run.StepOf(MaintenanceStep.LoadVolumeSlots).Shards[0].Resends);
        Assert.Equal(0, run.StepOf(MaintenanceStep.LoadOhlc).Shards[0].Resends);
    }

    [Fact]
    public async Task A_step_that_keeps_sending_progress_is_never_sent_twice()
    {
        var script = new TaskScript().Answer(MaintenanceStep.LoadOhlc, TaskBehaviour.Silent);
        await using var test = await SagaHarness.StartAsync(script, new StepSilence(TimeSpan.FromSeconds(2), 3), productionEndpoint: true);
        var harness = test.Harness;

        await harness.Bus.Publish(new StartMaintenance(Date, "api", Steps: ["load-ohlc"]), TestContext.Current.CancellationToken);
        var command = await RunEvents.WaitAsync(() => script.FirstOf(MaintenanceStep.LoadOhlc), "the load-ohlc command");
        for (var i = 0; i < 10; i++)
        {
            // A heartbeat (empty unit) every half second: three times the silence window in all.
            await harness.Bus.Publish(new MaintenanceStepProgress(RunId, Date, 1, MaintenanceStep.LoadOhlc, 0, 0, 0, ""), TestContext.Current.CancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(600), TestContext.Current.CancellationToken);
        }

        Assert.Single(script.ReceivedOf(MaintenanceStep.LoadOhlc));
        await harness.Bus.Publish(TaskScript.CompletionOf(command), TestContext.Current.CancellationToken);
        var saga = test.Saga;
        await RunEvents.WaitAsync(() => saga.Sagas.Contains(RunId) is { CurrentState: "Completed" } r ? r : null, "the run completed");
    }
}
