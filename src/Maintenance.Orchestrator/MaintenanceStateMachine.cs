// Longer than 250 lines: a MassTransit state machine declares its states, events and behaviours on one class; the bookkeeping they call lives in MaintenanceRun.
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Orchestrator.Status;
using Maintenance.Orchestrator.Timeouts;
using MassTransit;

namespace Maintenance.Orchestrator;

/// <summary>
/// One run per target date (<see cref="RunIds.ForDate"/>) following <see cref="MaintenanceSteps.Graph"/>: every step
/// whose prerequisites have finished is sent at once (as one command, or one per shard), each to its task's queue, and
/// joined when all its answers are in — <see cref="MaintenanceStepCompleted"/>, <see cref="MaintenanceStepFailed"/>, or
/// the step's deadline (<see cref="StepTimedOut"/>). A failed step's dependants are skipped; the rest still run.
/// A finished attempt rests in <see cref="Completed"/>, <see cref="CompletedWithErrors"/> or <see cref="Failed"/>
/// (see <see cref="MaintenanceRun.Finish"/>) until a start that is not the scheduler's opens the next attempt.
/// Answers of an older attempt, late answers and duplicates change nothing.
/// </summary>
public sealed class MaintenanceStateMachine : MassTransitStateMachine<MaintenanceRun>
{
    private readonly TimeProvider _clock;
    private readonly TradingCalendar _calendar;
    private readonly StepDeadlines _deadlines;
    private readonly StepSilence _silence;
    private readonly StepSharding _sharding;
    private readonly StepsAtOnce _atOnce;
    private readonly RunStatusBoard _statusBoard;
    private readonly ILogger<MaintenanceStateMachine> _log;

    public MaintenanceStateMachine(TimeProvider clock, TradingCalendar calendar, StepDeadlines deadlines, StepSilence silence, StepSharding sharding, StepsAtOnce atOnce, RunStatusBoard statusBoard, ILogger<MaintenanceStateMachine> log)
    {
        _clock = clock;
        _calendar = calendar;
        _deadlines = deadlines;
        _silence = silence;
        _sharding = sharding;
        _atOnce = atOnce;
        _statusBoard = statusBoard;
        _log = log;

        InstanceState(r => r.CurrentState);
        Event(() => StartRequested, e =>
        {
            e.CorrelateById(c => RunIds.ForDate(c.Message.TargetDate));
            // Two first starts of one date race on the primary key; the loser loads the winner's run.
            e.InsertOnInitial = true;
            e.SetSagaFactory(c => new MaintenanceRun { CorrelationId = RunIds.ForDate(c.Message.TargetDate), TargetDate = c.Message.TargetDate });
        });
        Answer(() => StepCompleted, c => c.Message.RunId);
        Answer(() => StepFailed, c => c.Message.RunId);
        Answer(() => StepProgressed, c => c.Message.RunId);
        Answer(() => TimedOut, c => c.Message.RunId);
        Answer(() => SilenceChecked, c => c.Message.RunId);

        // Every start is checked here, whoever sent it (API, scheduler, CLI, a peer on the bus): a refused one is
        // announced and leaves no run behind, so no step (clear-caches above all) ever runs for it.
        Initially(
            When(StartRequested, c => Refusal(c.Message) is not null).ThenAsync(RejectAsync).Finalize(),
            When(StartRequested, c => Refusal(c.Message) is null).ThenAsync(BeginAttemptAsync));
        SetCompletedWhenFinalized();

        During(Running, When(StartRequested).Then(c => _log.LogInformation(
            "Run {RunId} for {TargetDate} attempt {Attempt} is active; the start requested by {RequestedBy} changes nothing",
            c.Saga.CorrelationId, c.Saga.TargetDate, c.Saga.Attempt, c.Message.RequestedBy)));

        During(
            Completed,
            CompletedWithErrors,
            Failed,
            When(StartRequested, c => Refusal(c.Message) is not null).ThenAsync(RejectAsync),
            When(StartRequested, c => Refusal(c.Message) is null).ThenAsync(RestartAsync));

        DuringAny(
            When(StepCompleted).ThenAsync(OnCompletedAsync),
            When(StepFailed).ThenAsync(c => OnFailedAsync(c, c.Message.Step, c.Message.Attempt, (c.Message.Retryable ? "gave up after retries: " : "") + c.Message.Reason)),
            When(TimedOut).ThenAsync(c => OnFailedAsync(c, c.Message.Step, c.Message.Attempt, $"no answer within {TimeSpan.FromSeconds(c.Message.TimeoutSeconds)}")),
            When(StepProgressed).Then(c => c.Saga.RecordProgress(c.Message, Now())),
            When(SilenceChecked).ThenAsync(OnSilenceCheckedAsync));
    }

    /// <summary>Steps are out; the step rows say which.</summary>
    public State Running { get; private set; } = null!;

    /// <summary>Every requested step succeeded.</summary>
    public State Completed { get; private set; } = null!;

    /// <summary>Some steps failed or were skipped because of a failure, but the day's data is usable.</summary>
    public State CompletedWithErrors { get; private set; } = null!;

    /// <summary>No requested step succeeded, or the critical step (load-ohlc) failed.</summary>
    public State Failed { get; private set; } = null!;

    public Event<StartMaintenance> StartRequested { get; private set; } = null!;

    public Event<MaintenanceStepCompleted> StepCompleted { get; private set; } = null!;

    public Event<MaintenanceStepFailed> StepFailed { get; private set; } = null!;

    public Event<MaintenanceStepProgress> StepProgressed { get; private set; } = null!;

    public Event<StepTimedOut> TimedOut { get; private set; } = null!;

    public Event<StepSilenceCheck> SilenceChecked { get; private set; } = null!;

    /// <summary>An answer to a command: it belongs to the run named in it, and to nothing when that run does not exist
    /// (a manual <c>POST /clear-caches</c> has its own run id).</summary>
    private void Answer<T>(System.Linq.Expressions.Expression<Func<Event<T>>> @event, Func<ConsumeContext<T>, Guid> runId)
        where T : class =>
        Event(@event, e =>
        {
            e.CorrelateById(runId);
            e.OnMissingInstance(m => m.Discard());
        });

    /// <summary>Null when the start may proceed; else why not, by the rules POST /trigger applies (<see cref="MaintenanceStartRules"/>).</summary>
    private string? Refusal(StartMaintenance start) => MaintenanceStartRules.Check(start.TargetDate, _calendar, _clock.GetUtcNow());

    private async Task RejectAsync(BehaviorContext<MaintenanceRun, StartMaintenance> context)
    {
        var start = context.Message;
        var reason = Refusal(start) ?? "refused";
        _log.LogWarning("Start of {TargetDate} requested by {RequestedBy} refused, no step runs: {Reason}", start.TargetDate, start.RequestedBy, reason);
        await context.Publish(new MaintenanceRejected(RunIds.ForDate(start.TargetDate), start.TargetDate, start.RequestedBy ?? string.Empty, reason, Now()), context.CancellationToken);
    }

    private async Task BeginAttemptAsync(BehaviorContext<MaintenanceRun, StartMaintenance> context)
    {
        var run = context.Saga;
        var request = context.Message;
        var unknown = run.BeginAttempt(request, Now());
        if (unknown.Count > 0)
        {
            _log.LogWarning("Run {RunId} for {TargetDate}: requested steps {UnknownSteps} name no step and are ignored", run.CorrelationId, run.TargetDate, unknown);
        }

        _log.LogInformation("Run {RunId} for {TargetDate} attempt {Attempt} started by {RequestedBy} (force {Force})", run.CorrelationId, run.TargetDate, run.Attempt, run.RequestedBy, run.Force);
        await context.Publish(new MaintenanceStarted(run.CorrelationId, run.TargetDate, run.Attempt, run.RequestedBy, run.Force, run.StartedAt!.Value), context.CancellationToken);
        await context.TransitionToState(Running);
        await AdvanceAsync(context);
    }

    private async Task RestartAsync(BehaviorContext<MaintenanceRun, StartMaintenance> context)
    {
        if (string.Equals(context.Message.RequestedBy, MaintenanceRun.Scheduler, StringComparison.OrdinalIgnoreCase))
        {
            // Every replica's scheduler and catch-up asks for the same date: only the first start of a date is theirs.
            _log.LogInformation("Run {RunId} for {TargetDate} already ran (attempt {Attempt}, {State}); the scheduler's start is ignored", context.Saga.CorrelationId, context.Saga.TargetDate, context.Saga.Attempt, context.Saga.CurrentState);
            return;
        }

        await BeginAttemptAsync(context);
    }

    private async Task OnCompletedAsync(BehaviorContext<MaintenanceRun, MaintenanceStepCompleted> context)
    {
        var answer = context.Message;
        if (!context.Saga.RecordCompleted(answer, Now()))
        {
            IgnoreAnswer(context.Saga, answer.Step, answer.Attempt, "completion");
            return;
        }

        var row = context.Saga.StepOf(answer.Step);
        if (row.Status == StepStatus.Running)
        {
            _log.LogInformation("Run {RunId} step {Step} shard {Shard} of {ShardCount} done in {DurationSeconds} s", context.Saga.CorrelationId, answer.Step.QueueName(), answer.Shard + 1, answer.ShardCount, answer.DurationSeconds);
            return;
        }

        if (row.Status == StepStatus.Success)
        {
            _log.LogInformation("Run {RunId} step {Step} succeeded in {DurationSeconds} s: {Verdict}", context.Saga.CorrelationId, answer.Step.QueueName(), row.DurationSeconds, row.Verdict);
        }
        else
        {
            _log.LogWarning("Run {RunId} step {Step} failed: {Reason}", context.Saga.CorrelationId, answer.Step.QueueName(), row.Error);
        }

        await _deadlines.DisarmAsync(context.Saga.CorrelationId, answer.Step, answer.Attempt, context.CancellationToken);
        await AdvanceAsync(context);
    }

    private async Task OnFailedAsync<T>(BehaviorContext<MaintenanceRun, T> context, MaintenanceStep step, int attempt, string reason)
        where T : class
    {
        if (!context.Saga.RecordFailed(step, attempt, reason, Now()))
        {
            IgnoreAnswer(context.Saga, step, attempt, typeof(T).Name);
            return;
        }

        _log.LogWarning("Run {RunId} step {Step} failed: {Reason}", context.Saga.CorrelationId, step.QueueName(), reason);
        if (context.Message is not StepTimedOut)
        {
            await _deadlines.DisarmAsync(context.Saga.CorrelationId, step, attempt, context.CancellationToken);
        }

        await AdvanceAsync(context);
    }

    /// <summary>
    /// A step heard from by none of its shards for the silence window gets its unanswered shards sent again (see
    /// <see cref="StepSilence"/> for why a command or answer can vanish); the check repeats while the step runs.
    /// </summary>
    private async Task OnSilenceCheckedAsync(BehaviorContext<MaintenanceRun, StepSilenceCheck> context)
    {
        var run = context.Saga;
        var check = context.Message;
        var verdict = run.CheckSilence(check.Step, check.Attempt, Now(), _silence);
        if (verdict.Resend.Count > 0)
        {
            _log.LogWarning("Run {RunId} for {TargetDate} attempt {Attempt}: {Step} sent again (shards {Shards}): {Reason}", run.CorrelationId, run.TargetDate, run.Attempt, check.Step.QueueName(), verdict.Resend.Select(s => s + 1), verdict.Reason);
            await SendAsync(context, run.StepOf(check.Step), verdict.Resend);
            await _statusBoard.WriteAsync(run, context.CancellationToken);
        }
        else if (verdict.Reason is not null)
        {
            _log.LogWarning("Run {RunId} for {TargetDate} attempt {Attempt}: {Step} {Reason}", run.CorrelationId, run.TargetDate, run.Attempt, check.Step.QueueName(), verdict.Reason);
        }

        if (verdict.NextCheckAt is { } next)
        {
            await _deadlines.ArmSilenceCheckAsync(run.CorrelationId, check.Step, check.Attempt, next, context.CancellationToken);
        }
    }

    /// <summary>The commands of <paramref name="shards"/> of a step of the current attempt, to the step's queue.</summary>
    private static async Task SendAsync<T>(BehaviorContext<MaintenanceRun, T> context, StepRun step, IEnumerable<int> shards)
        where T : class
    {
        var run = context.Saga;
        var endpoint = await context.GetSendEndpoint(StepCommands.Address(step.Step));
        var expected = step.Step == MaintenanceStep.NotifyServices ? run.SucceededFigures() : null;
        foreach (var shard in shards)
        {
            var command = new RunMaintenanceStep(run.CorrelationId, run.TargetDate, run.Attempt, step.Step, run.Force, run.ForceClearCaches, shard, step.Shards.Count, expected);
            await endpoint.Send(command, context.CancellationToken);
        }
    }

    /// <summary>Sends the commands of every step that can start now and arms their deadlines, or ends the attempt when no step is left.</summary>
    private async Task AdvanceAsync<T>(BehaviorContext<MaintenanceRun, T> context)
        where T : class
    {
        var run = context.Saga;
        var now = Now();
        foreach (var step in run.StartReadySteps(now, _sharding.ShardsOf, _atOnce.Limit))
        {
            await SendAsync(context, step, step.Shards.Select(s => s.Shard));
            await _deadlines.ArmAsync(run.CorrelationId, step.Step, run.Attempt, now, context.CancellationToken);
            await _deadlines.ArmSilenceCheckAsync(run.CorrelationId, step.Step, run.Attempt, now + _silence.Window, context.CancellationToken);
            _log.LogInformation("Run {RunId} for {TargetDate} attempt {Attempt}: {Step} sent ({Shards} shards)", run.CorrelationId, run.TargetDate, run.Attempt, step.Step.QueueName(), step.Shards.Count);
        }

        if (run.AllStepsFinished)
        {
            var outcome = run.Finish(now);
            if (outcome.Result == RunResult.Failed)
            {
                await context.Publish(new MaintenanceFailed(run.CorrelationId, run.TargetDate, run.Attempt, outcome.Reason!, run.StartedAt!.Value, now, run.StepOutcomes()), context.CancellationToken);
                await context.TransitionToState(Failed);
                _log.LogError("Run {RunId} for {TargetDate} attempt {Attempt} failed: {Reason}", run.CorrelationId, run.TargetDate, run.Attempt, outcome.Reason);
            }
            else
            {
                var succeeded = outcome.Result == RunResult.Completed;
                await context.Publish(new MaintenanceCompleted(run.CorrelationId, run.TargetDate, run.Attempt, succeeded, run.StartedAt!.Value, now, run.StepOutcomes()), context.CancellationToken);
                await context.TransitionToState(succeeded ? Completed : CompletedWithErrors);
                _log.LogInformation("Run {RunId} for {TargetDate} attempt {Attempt} completed, succeeded {Succeeded} {Outcome}", run.CorrelationId, run.TargetDate, run.Attempt, succeeded, outcome.Reason);
            }
        }

        await _statusBoard.WriteAsync(run, context.CancellationToken);
    }

    /// <summary>UTC always: PostgreSQL stores timestamptz from offset-0 values only, whatever clock is injected.</summary>
    private DateTimeOffset Now() => _clock.GetUtcNow().ToUniversalTime();

    private void IgnoreAnswer(MaintenanceRun run, MaintenanceStep step, int attempt, string what) =>
        _log.LogInformation(
            "Run {RunId} ignores a {Answer} of {Step} attempt {AnswerAttempt}: the run is at attempt {Attempt} and that step is not running",
            run.CorrelationId, what, step.QueueName(), attempt, run.Attempt);
}
