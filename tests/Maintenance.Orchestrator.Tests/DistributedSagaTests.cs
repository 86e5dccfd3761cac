using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Status;
using Maintenance.Orchestrator.Tests.Support;
using Maintenance.Testing;
using StackExchange.Redis;

namespace Maintenance.Orchestrator.Tests;

/// <summary>
/// The saga over RabbitMQ with its PostgreSQL store and Redis status, the orchestrator and the (test-double) workers
/// on separate bus instances as separate processes would be.
/// </summary>
public sealed class DistributedSagaTests(PostgresServer postgres, RabbitMqServer rabbitMq, RedisServer redis)
    : DistributedTest(postgres, rabbitMq, redis)
{
    private static readonly DateOnly Date = new(2025, 12, 2);
    private static readonly Guid RunId = RunIds.ForDate(Date);

    [Fact]
    public async Task A_clean_run_over_rabbitmq_and_postgresql_succeeds_and_writes_the_status()
    {
        var workers = await StartWorkersAsync();
        var orchestrator = await StartOrchestratorAsync();

        await workers.PublishAsync(new StartMaintenance(Date, "api"));
        var completed = await workers.Events.CompletedAsync(RunId);

        Assert.True(completed.Succeeded);
        Assert.All(completed.Steps, s => Assert.Equal(StepStatus.Success, s.Status));
        Assert.Equal(MaintenanceSteps.InOrder, workers.Script.Received.Select(c => c.Step).Order());
        var run = await orchestrator.LoadRunAsync(Date);
        Assert.Equal("Completed", run!.CurrentState);
        Assert.Equal(42, run.StepOf(MaintenanceStep.SyncRedis).Metrics!["rows"]);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis);
        var status = JsonDocument.Parse((string)(await redis.GetDatabase().StringGetAsync(RunStatusBoard.StatusKey(Date)))!).RootElement;
        Assert.True(status.GetProperty("all_success").GetBoolean());
        Assert.Equal("success", status.GetProperty("tasks").GetProperty("sync_redis").GetString());
    }

    [Fact]
    public async Task An_orchestrator_stopped_mid_run_and_started_again_completes_the_run()
    {
        var script = new TaskScript().Hold(MaintenanceStep.LoadVolumeSlots);
        var workers = await StartWorkersAsync(script);
        var first = await StartOrchestratorAsync();

        await workers.PublishAsync(new StartMaintenance(Date, "api"));
        await RunEvents.WaitAsync(() => script.FirstOf(MaintenanceStep.LoadVolumeSlots), "the load-volume-slots command");
        await first.StopAsync();

        // The answer arrives while no orchestrator runs: it waits in the saga's durable queue.
        script.Release(MaintenanceStep.LoadVolumeSlots);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Empty(workers.Events.Completed);

        var second = await StartOrchestratorAsync();
        var completed = await workers.Events.CompletedAsync(RunId);

        Assert.True(completed.Succeeded);
        Assert.Equal(9, script.Received.Count);
        Assert.Single(workers.Events.Started);
        var run = await second.LoadRunAsync(Date);
        Assert.Equal((1, "Completed"), (run!.Attempt, run.CurrentState));
    }

    [Fact]
    public async Task A_deadline_armed_before_a_restart_still_fires_after_it()
    {
        var script = new TaskScript().Answer(MaintenanceStep.CalculateAtr, TaskBehaviour.Silent);
        var workers = await StartWorkersAsync(script);
        var settings = new Dictionary<string, string?> { ["Maintenance:StepTimeouts:calculate-atr"] = "3" };
        var first = await StartOrchestratorAsync(settings);

        await workers.PublishAsync(new StartMaintenance(Date, "api"));
        await RunEvents.WaitAsync(() => script.FirstOf(MaintenanceStep.CalculateAtr), "the calculate-atr command");
        await first.StopAsync();
        await StartOrchestratorAsync(settings);

        var completed = await workers.Events.CompletedAsync(RunId);

        var atr = completed.Steps.Single(s => s.Step == MaintenanceStep.CalculateAtr);
        Assert.Equal((StepStatus.Failed, "no answer within 00:00:03"), (atr.Status, atr.Error));
        Assert.False(completed.Succeeded);
        Assert.Single(workers.Events.Completed);
    }

    [Fact]
    public async Task Two_replicas_make_one_run_of_concurrent_starts_and_one_outcome_of_concurrent_answers()
    {
        var script = new TaskScript().Answer(MaintenanceStep.ClearCaches, TaskBehaviour.Silent);
        var workers = await StartWorkersAsync(script);
        var replicaA = await StartOrchestratorAsync();
        await StartOrchestratorAsync();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => workers.PublishAsync(new StartMaintenance(Date, "api-" + i))));
        var command = await RunEvents.WaitAsync(() => script.FirstOf(MaintenanceStep.ClearCaches), "the clear-caches command");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Single(workers.Events.Started);
        Assert.Single(script.ReceivedOf(MaintenanceStep.ClearCaches));

        await ConcurrentAnswers.PublishAsync(workers, command);
        var completed = await workers.Events.CompletedAsync(RunId);
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        ConcurrentAnswers.AssertOneOutcome(workers, completed, await replicaA.LoadRunAsync(Date));
        Assert.Equal(1, await replicaA.CountRunsAsync());
    }
}
