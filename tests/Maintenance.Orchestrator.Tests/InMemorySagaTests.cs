using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Status;
using Maintenance.Orchestrator.Tests.Support;
using Maintenance.Testing;
using StackExchange.Redis;

namespace Maintenance.Orchestrator.Tests;

/// <summary>
/// The saga on the in-memory transport (the embedded profile) with its SQLite store and an in-process Garnet for
/// the status keys; the task workers are test doubles that answer as scripted.
/// </summary>
public sealed class InMemorySagaTests : IAsyncLifetime
{
    private static readonly DateOnly Date = new(2025, 12, 2);
    private static readonly Guid RunId = RunIds.ForDate(Date);

    private EmbeddedGarnet _garnet = null!;
    private ConnectionMultiplexer _redis = null!;
    private TestOrchestrator? _orchestrator;

    public async ValueTask InitializeAsync()
    {
        _garnet = await EmbeddedGarnet.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync();
        }

        await _redis.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    private async Task<TestOrchestrator> StartAsync(TaskScript? script = null, Dictionary<string, string?>? settings = null)
    {
        _orchestrator = await TestOrchestrator.StartAsync(new TestSetup
        {
            Redis = _garnet.ConnectionString,
            Script = script ?? new TaskScript(),
            Settings = settings ?? [],
        });
        return _orchestrator;
    }

    [Fact]
    public async Task A_clean_run_sends_every_step_in_order_and_announces_success()
    {
        var orchestrator = await StartAsync();

        await orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        var completed = await orchestrator.Events.CompletedAsync(RunId);

        Assert.True(completed.Succeeded);
        Assert.Equal(Date, completed.TargetDate);
        Assert.Equal(1, completed.Attempt);
        Assert.Equal(MaintenanceSteps.InOrder, completed.Steps.Select(s => s.Step));
        Assert.All(completed.Steps, s => Assert.Equal(StepStatus.Success, s.Status));
        Assert.All(completed.Steps, s => Assert.Equal(42, s.Metrics!["rows"]));
        Assert.Equal(MaintenanceSteps.InOrder, orchestrator.Script.Received.Select(c => c.Step).Order());
        AssertEachSentAfterItsPrerequisites(orchestrator.Script.Received);
        Assert.All(orchestrator.Script.Received, c => Assert.Equal((RunId, Date, 1, false), (c.RunId, c.TargetDate, c.Attempt, c.Force)));
        Assert.Single(orchestrator.Events.Started);

        var run = await orchestrator.LoadRunAsync(Date);
        Assert.Equal("Completed", run!.CurrentState);
        Assert.Equal(9, run.Steps.Count);
        Assert.Null(run.Outcome);

        var status = await StatusAsync(Date);
        Assert.Equal("2025-12-02", status.GetProperty("date").GetString());
        Assert.True(status.GetProperty("all_success").GetBoolean());
        Assert.True(status.GetProperty("duration_seconds").GetDouble() >= 0);
        Assert.Equal(
            ["clear_caches", "load_ohlc", "recover_missing_tickers", "load_volume_slots", "calculate_atr", "calculate_rvol", "enrich_metadata", "sync_redis", "notify_services"],
            status.GetProperty("tasks").EnumerateObject().Select(p => p.Name));
        Assert.All(status.GetProperty("tasks").EnumerateObject(), p => Assert.Equal("success", p.Value.GetString()));
        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(RunStatusBoard.StatusKey(Date));
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task A_redis_outage_does_not_hold_or_fail_the_run_and_the_database_keeps_the_history()
    {
        _orchestrator = await TestOrchestrator.StartAsync(new TestSetup { Redis = "127.0.0.1:1,connectTimeout=300" });

        var started = DateTime.UtcNow;
        await _orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        var completed = await _orchestrator.Events.CompletedAsync(RunId);

        Assert.True(completed.Succeeded);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        var run = await _orchestrator.LoadRunAsync(Date);
        Assert.Equal("Completed", run!.CurrentState);
        Assert.All(run.Steps, s => Assert.Equal(StepStatus.Success, s.Status));
    }

    [Fact]
    public async Task A_failed_step_skips_its_dependant_runs_the_rest_and_completes_with_errors()
    {
        var orchestrator = await StartAsync(new TaskScript().Answer(MaintenanceStep.LoadVolumeSlots, TaskBehaviour.Fail));

        await orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        var completed = await orchestrator.Events.CompletedAsync(RunId);

        Assert.False(completed.Succeeded);
        var outcome = completed.Steps.ToDictionary(s => s.Step);
        Assert.Equal(StepStatus.Failed, outcome[MaintenanceStep.LoadVolumeSlots].Status);
        Assert.Equal("gave up after retries: injected failure: the source answered 503 five times", outcome[MaintenanceStep.LoadVolumeSlots].Error);
        Assert.Equal(StepStatus.Skipped, outcome[MaintenanceStep.CalculateRvol].Status);
        Assert.Equal(7, outcome.Values.Count(s => s.Status == StepStatus.Success));
        Assert.Empty(orchestrator.Script.ReceivedOf(MaintenanceStep.CalculateRvol));
        Assert.Single(orchestrator.Script.ReceivedOf(MaintenanceStep.SyncRedis));

        var run = await orchestrator.LoadRunAsync(Date);
        Assert.Equal("CompletedWithErrors", run!.CurrentState);
        Assert.Equal("failed: load-volume-slots; skipped: calculate-rvol", run.Outcome);

        var status = await StatusAsync(Date);
        Assert.False(status.GetProperty("all_success").GetBoolean());
        Assert.Equal("failed", status.GetProperty("tasks").GetProperty("load_volume_slots").GetString());
        Assert.Equal("skipped", status.GetProperty("tasks").GetProperty("calculate_rvol").GetString());
    }

    [Fact]
    public async Task A_load_ohlc_that_crashes_without_answering_fails_the_run_at_its_deadline_and_announces_maintenance_failed()
    {
        var orchestrator = await StartAsync(new TaskScript().Answer(MaintenanceStep.LoadOhlc, TaskBehaviour.Fault), new() { ["Maintenance:StepTimeouts:load-ohlc"] = "2" });

        await orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        var failed = await orchestrator.Events.FailedAsync(RunId);

        var outcome = failed.Steps.ToDictionary(s => s.Step);
        Assert.Equal(StepStatus.Failed, outcome[MaintenanceStep.LoadOhlc].Status);
        Assert.Equal("no answer within 00:00:02", outcome[MaintenanceStep.LoadOhlc].Error);
        Assert.Equal(StepStatus.Skipped, outcome[MaintenanceStep.CalculateAtr].Status);
        Assert.StartsWith("load-ohlc failed (no answer within 00:00:02)", failed.Reason);
        Assert.Empty(orchestrator.Events.Completed);
        Assert.Equal("Failed", (await orchestrator.LoadRunAsync(Date))!.CurrentState);
    }

    [Fact]
    public async Task A_step_that_never_answers_times_out_through_quartz_and_the_run_finishes()
    {
        var orchestrator = await StartAsync(
            new TaskScript().Answer(MaintenanceStep.EnrichMetadata, TaskBehaviour.Silent),
            new() { ["Maintenance:StepTimeouts:enrich-metadata"] = "2" });

        var started = DateTime.UtcNow;
        await orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        var completed = await orchestrator.Events.CompletedAsync(RunId, timeout: TimeSpan.FromSeconds(30));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        var outcome = completed.Steps.ToDictionary(s => s.Step);
        Assert.Equal(StepStatus.Failed, outcome[MaintenanceStep.EnrichMetadata].Status);
        Assert.Equal("no answer within 00:00:02", outcome[MaintenanceStep.EnrichMetadata].Error);
        Assert.Equal(StepStatus.Skipped, outcome[MaintenanceStep.SyncRedis].Status);
        Assert.False(completed.Succeeded);
    }

    [Fact]
    public async Task A_late_answer_after_the_timeout_changes_nothing()
    {
        var script = new TaskScript().Hold(MaintenanceStep.SyncRedis);
        var orchestrator = await StartAsync(script, new() { ["Maintenance:StepTimeouts:sync-redis"] = "1" });

        await orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        var completed = await orchestrator.Events.CompletedAsync(RunId);
        script.Release(MaintenanceStep.SyncRedis);
        await RunEvents.WaitAsync(() => orchestrator.Script.FirstOf(MaintenanceStep.SyncRedis), "the held sync-redis command");
        await Task.Delay(500, TestContext.Current.CancellationToken);

        var run = await orchestrator.LoadRunAsync(Date);
        Assert.Equal(StepStatus.Failed, run!.StepOf(MaintenanceStep.SyncRedis).Status);
        Assert.Equal("CompletedWithErrors", run.CurrentState);
        Assert.Single(orchestrator.Events.Completed);
        Assert.False(completed.Succeeded);
    }

    [Fact]
    public async Task A_duplicate_start_during_a_run_changes_nothing()
    {
        var script = new TaskScript().Hold(MaintenanceStep.LoadOhlc);
        var orchestrator = await StartAsync(script);

        await orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        await RunEvents.WaitAsync(() => script.FirstOf(MaintenanceStep.LoadOhlc), "the load-ohlc command");
        for (var i = 0; i < 5; i++)
        {
            await orchestrator.PublishAsync(new StartMaintenance(Date, i % 2 == 0 ? "api" : MaintenanceRun.Scheduler, Force: true));
        }

        await Task.Delay(300, TestContext.Current.CancellationToken);
        script.Release(MaintenanceStep.LoadOhlc);
        var completed = await orchestrator.Events.CompletedAsync(RunId);

        Assert.True(completed.Succeeded);
        Assert.Single(orchestrator.Events.Started);
        Assert.Equal(9, script.Received.Count);
        Assert.All(script.Received, c => Assert.False(c.Force));
        Assert.Equal(1, (await orchestrator.LoadRunAsync(Date))!.Attempt);
    }

    [Fact]
    public async Task A_finished_date_started_again_runs_attempt_two_and_the_schedulers_start_is_ignored()
    {
        var orchestrator = await StartAsync();
        await orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        await orchestrator.Events.CompletedAsync(RunId);

        await orchestrator.PublishAsync(new StartMaintenance(Date, MaintenanceRun.Scheduler));
        await orchestrator.PublishAsync(new StartMaintenance(Date, "cli", Force: true, Steps: ["calculate-atr", "sync-redis"]));
        var second = await orchestrator.Events.CompletedAsync(RunId, attempt: 2);

        Assert.True(second.Succeeded);
        Assert.Equal(
            [StepStatus.Skipped, StepStatus.Skipped, StepStatus.Skipped, StepStatus.Skipped, StepStatus.Success, StepStatus.Skipped, StepStatus.Skipped, StepStatus.Success, StepStatus.Skipped],
            second.Steps.Select(s => s.Status));
        var attemptTwo = orchestrator.Script.Received.Where(c => c.Attempt == 2).ToList();
        Assert.Equal(2, attemptTwo.Count);
        Assert.All(attemptTwo, c => Assert.True(c.Force));
        Assert.DoesNotContain(orchestrator.Events.Started, s => s.RequestedBy == MaintenanceRun.Scheduler);

        var run = await orchestrator.LoadRunAsync(Date);
        Assert.Equal(2, run!.Attempt);
        Assert.Equal("cli", run.RequestedBy);
        Assert.Equal(18, run.Steps.Count);
        Assert.All(run.Steps.Where(s => s.Attempt == 1), s => Assert.Equal(StepStatus.Success, s.Status));
        Assert.Equal(2, orchestrator.Events.Started.Count);
    }

    [Fact]
    public async Task Concurrent_first_starts_of_one_date_make_one_run()
    {
        var script = new TaskScript().Hold(MaintenanceStep.ClearCaches);
        var orchestrator = await StartAsync(script);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => orchestrator.PublishAsync(new StartMaintenance(Date, "api-" + i))));
        await RunEvents.WaitAsync(() => script.FirstOf(MaintenanceStep.ClearCaches), "the clear-caches command");
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        script.Release(MaintenanceStep.ClearCaches);
        await orchestrator.Events.CompletedAsync(RunId);

        // A start that reaches a finished run legitimately opens attempt 2; attempt 1 must exist exactly once.
        Assert.Single(orchestrator.Events.Started, s => s.Attempt == 1);
        Assert.Single(orchestrator.Events.Completed, s => s.Attempt == 1);
        var attemptOne = orchestrator.Script.Received.Where(c => c.Attempt == 1).Select(c => c.Step).ToList();
        Assert.Equal(9, attemptOne.Count);
        Assert.Equal(9, attemptOne.Distinct().Count());
        Assert.Equal(1, await orchestrator.CountRunsAsync());
    }

    [Fact]
    public async Task Concurrent_answers_to_one_step_record_one_outcome_and_advance_once()
    {
        var script = new TaskScript().Answer(MaintenanceStep.ClearCaches, TaskBehaviour.Silent);
        var orchestrator = await StartAsync(script);
        await orchestrator.PublishAsync(new StartMaintenance(Date, "api"));
        var command = await RunEvents.WaitAsync(() => script.FirstOf(MaintenanceStep.ClearCaches), "the clear-caches command");

        await ConcurrentAnswers.PublishAsync(orchestrator, command);
        var completed = await orchestrator.Events.CompletedAsync(RunId);
        await Task.Delay(500, TestContext.Current.CancellationToken);

        ConcurrentAnswers.AssertOneOutcome(orchestrator, completed, await orchestrator.LoadRunAsync(Date));
    }

    /// <summary>Commands arrive in the order they were sent: a step's command only after those of all its prerequisites.</summary>
    private static void AssertEachSentAfterItsPrerequisites(IReadOnlyList<RunMaintenanceStep> received)
    {
        var position = received.Select((c, i) => (c.Step, i)).ToDictionary(p => p.Step, p => p.i);
        foreach (var definition in MaintenanceSteps.Graph)
        {
            Assert.All(definition.Prerequisites, p => Assert.True(position[p] < position[definition.Step], $"{definition.Queue} was sent before {p.QueueName()}"));
        }
    }

    private async Task<JsonElement> StatusAsync(DateOnly date)
    {
        var json = await _redis.GetDatabase().StringGetAsync(RunStatusBoard.StatusKey(date));
        Assert.False(json.IsNullOrEmpty, $"{RunStatusBoard.StatusKey(date)} is missing");
        return JsonDocument.Parse(json.ToString()).RootElement;
    }
}
