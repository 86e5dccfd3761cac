using Maintenance.Contracts;
using Maintenance.Orchestrator.Status;
using Maintenance.Orchestrator.Timeouts;
using MassTransit;

namespace Maintenance.Orchestrator;

/// <summary>
/// One run per target date (<see cref="RunIds.ForDate"/>): sends each step's command to its task's queue, one step at
/// a time in DESIGN.md's order, and advances on the task's answer — its completion event, a
/// <see cref="MaintenanceStepFailed"/>, a <see cref="Fault{T}"/> of the command, or the step's deadline
/// (<see cref="StepTimedOut"/>). A failed step's dependants are skipped; independent steps still run. The state names
/// the running step; a finished attempt rests in <see cref="Completed"/>, <see cref="CompletedWithErrors"/> or
/// <see cref="Failed"/> (see <see cref="MaintenanceRun.Finish"/>) until a start that is not the scheduler's opens
/// the next attempt. Answers of an older attempt, late answers and duplicates change nothing.
/// </summary>
public sealed class MaintenanceStateMachine : MassTransitStateMachine<MaintenanceRun>
{
    private readonly TimeProvider _clock;
    private readonly StepDeadlines _deadlines;
    private readonly RunStatusBoard _statusBoard;
    private readonly ILogger<MaintenanceStateMachine> _log;
    private readonly Dictionary<MaintenanceStep, State> _stepStates;

    public MaintenanceStateMachine(TimeProvider clock, StepDeadlines deadlines, RunStatusBoard statusBoard, ILogger<MaintenanceStateMachine> log)
    {
        _clock = clock;
        _deadlines = deadlines;
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
        Answer(() => CachesCleared, c => c.Message.RunId);
        Answer(() => OhlcLoaded, c => c.Message.RunId);
        Answer(() => MissingTickersRecovered, c => c.Message.RunId);
        Answer(() => VolumeSlotsLoaded, c => c.Message.RunId);
        Answer(() => AtrCalculated, c => c.Message.RunId);
        Answer(() => RvolCalculated, c => c.Message.RunId);
        Answer(() => MetadataEnriched, c => c.Message.RunId);
        Answer(() => RedisSynced, c => c.Message.RunId);
        Answer(() => StepFailed, c => c.Message.RunId);
        Answer(() => TimedOut, c => c.Message.RunId);
        Answer(() => ClearCachesFaulted, c => c.Message.Message.RunId);
        Answer(() => LoadOhlcFaulted, c => c.Message.Message.RunId);
        Answer(() => RecoverMissingTickersFaulted, c => c.Message.Message.RunId);
        Answer(() => LoadVolumeSlotsFaulted, c => c.Message.Message.RunId);
        Answer(() => CalculateAtrFaulted, c => c.Message.Message.RunId);
        Answer(() => CalculateRvolFaulted, c => c.Message.Message.RunId);
        Answer(() => EnrichMetadataFaulted, c => c.Message.Message.RunId);
        Answer(() => SyncRedisFaulted, c => c.Message.Message.RunId);

        _stepStates = new Dictionary<MaintenanceStep, State>
        {
            [MaintenanceStep.ClearCaches] = ClearingCaches,
            [MaintenanceStep.LoadOhlc] = LoadingOhlc,
            [MaintenanceStep.RecoverMissingTickers] = RecoveringMissingTickers,
            [MaintenanceStep.LoadVolumeSlots] = LoadingVolumeSlots,
            [MaintenanceStep.CalculateAtr] = CalculatingAtr,
            [MaintenanceStep.CalculateRvol] = CalculatingRvol,
            [MaintenanceStep.EnrichMetadata] = EnrichingMetadata,
            [MaintenanceStep.SyncRedis] = SyncingRedis,
        };
        var running = _stepStates.Values.ToArray();

        Initially(When(StartRequested).ThenAsync(BeginAttemptAsync));

        During(running, When(StartRequested).Then(c => _log.LogInformation(
            "Run {RunId} for {TargetDate} attempt {Attempt} is active; the start requested by {RequestedBy} changes nothing",
            c.Saga.CorrelationId, c.Saga.TargetDate, c.Saga.Attempt, c.Message.RequestedBy)));

        During(Completed, CompletedWithErrors, Failed, When(StartRequested).ThenAsync(RestartAsync));

        DuringAny(
            When(CachesCleared).ThenAsync(c => OnCompletedAsync(c, MaintenanceStep.ClearCaches)),
            When(OhlcLoaded).ThenAsync(c => OnCompletedAsync(c, MaintenanceStep.LoadOhlc)),
            When(MissingTickersRecovered).ThenAsync(c => OnCompletedAsync(c, MaintenanceStep.RecoverMissingTickers)),
            When(VolumeSlotsLoaded).ThenAsync(c => OnCompletedAsync(c, MaintenanceStep.LoadVolumeSlots)),
            When(AtrCalculated).ThenAsync(c => OnCompletedAsync(c, MaintenanceStep.CalculateAtr)),
            When(RvolCalculated).ThenAsync(c => OnCompletedAsync(c, MaintenanceStep.CalculateRvol)),
            When(MetadataEnriched).ThenAsync(c => OnCompletedAsync(c, MaintenanceStep.EnrichMetadata)),
            When(RedisSynced).ThenAsync(c => OnCompletedAsync(c, MaintenanceStep.SyncRedis)),
            When(StepFailed).ThenAsync(c => OnFailedAsync(c, c.Message.Step, c.Message.Attempt, (c.Message.Retryable ? "gave up after retries: " : "") + c.Message.Reason)),
            When(TimedOut).ThenAsync(c => OnFailedAsync(c, c.Message.Step, c.Message.Attempt, $"no answer within {TimeSpan.FromSeconds(c.Message.TimeoutSeconds)}")),
            When(ClearCachesFaulted).ThenAsync(c => OnFaultAsync(c, MaintenanceStep.ClearCaches)),
            When(LoadOhlcFaulted).ThenAsync(c => OnFaultAsync(c, MaintenanceStep.LoadOhlc)),
            When(RecoverMissingTickersFaulted).ThenAsync(c => OnFaultAsync(c, MaintenanceStep.RecoverMissingTickers)),
            When(LoadVolumeSlotsFaulted).ThenAsync(c => OnFaultAsync(c, MaintenanceStep.LoadVolumeSlots)),
            When(CalculateAtrFaulted).ThenAsync(c => OnFaultAsync(c, MaintenanceStep.CalculateAtr)),
            When(CalculateRvolFaulted).ThenAsync(c => OnFaultAsync(c, MaintenanceStep.CalculateRvol)),
            When(EnrichMetadataFaulted).ThenAsync(c => OnFaultAsync(c, MaintenanceStep.EnrichMetadata)),
            When(SyncRedisFaulted).ThenAsync(c => OnFaultAsync(c, MaintenanceStep.SyncRedis)));
    }

    public State ClearingCaches { get; private set; } = null!;
    public State LoadingOhlc { get; private set; } = null!;
    public State RecoveringMissingTickers { get; private set; } = null!;
    public State LoadingVolumeSlots { get; private set; } = null!;
    public State CalculatingAtr { get; private set; } = null!;
    public State CalculatingRvol { get; private set; } = null!;
    public State EnrichingMetadata { get; private set; } = null!;
    public State SyncingRedis { get; private set; } = null!;

    /// <summary>Every requested step succeeded.</summary>
    public State Completed { get; private set; } = null!;

    /// <summary>Some steps failed or were skipped because of a failure, but the day's data is usable.</summary>
    public State CompletedWithErrors { get; private set; } = null!;

    /// <summary>No requested step succeeded, or the critical step (load-ohlc) failed.</summary>
    public State Failed { get; private set; } = null!;

    public Event<StartMaintenance> StartRequested { get; private set; } = null!;

    public Event<CachesCleared> CachesCleared { get; private set; } = null!;
    public Event<OhlcLoaded> OhlcLoaded { get; private set; } = null!;
    public Event<MissingTickersRecovered> MissingTickersRecovered { get; private set; } = null!;
    public Event<VolumeSlotsLoaded> VolumeSlotsLoaded { get; private set; } = null!;
    public Event<AtrCalculated> AtrCalculated { get; private set; } = null!;
    public Event<RvolCalculated> RvolCalculated { get; private set; } = null!;
    public Event<MetadataEnriched> MetadataEnriched { get; private set; } = null!;
    public Event<RedisSynced> RedisSynced { get; private set; } = null!;

    public Event<MaintenanceStepFailed> StepFailed { get; private set; } = null!;
    public Event<StepTimedOut> TimedOut { get; private set; } = null!;

    public Event<Fault<ClearCaches>> ClearCachesFaulted { get; private set; } = null!;
    public Event<Fault<LoadOhlc>> LoadOhlcFaulted { get; private set; } = null!;
    public Event<Fault<RecoverMissingTickers>> RecoverMissingTickersFaulted { get; private set; } = null!;
    public Event<Fault<LoadVolumeSlots>> LoadVolumeSlotsFaulted { get; private set; } = null!;
    public Event<Fault<CalculateAtr>> CalculateAtrFaulted { get; private set; } = null!;
    public Event<Fault<CalculateRvol>> CalculateRvolFaulted { get; private set; } = null!;
    public Event<Fault<EnrichMetadata>> EnrichMetadataFaulted { get; private set; } = null!;
    public Event<Fault<SyncRedis>> SyncRedisFaulted { get; private set; } = null!;

    /// <summary>An answer to a command: it belongs to the run named in it, and to nothing when that run does not exist
    /// (a manual <c>POST /clear-caches</c> has its own run id).</summary>
    private void Answer<T>(System.Linq.Expressions.Expression<Func<Event<T>>> @event, Func<ConsumeContext<T>, Guid> runId)
        where T : class =>
        Event(@event, e =>
        {
            e.CorrelateById(runId);
            e.OnMissingInstance(m => m.Discard());
        });

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

    private async Task OnCompletedAsync<T>(BehaviorContext<MaintenanceRun, T> context, MaintenanceStep step)
        where T : class, IStepCompleted
    {
        if (!context.Saga.RecordCompleted(step, context.Message, Now()))
        {
            IgnoreAnswer(context.Saga, step, context.Message.Attempt, "completion");
            return;
        }

        _log.LogInformation("Run {RunId} step {Step} succeeded in {DurationSeconds} s: {Verdict}", context.Saga.CorrelationId, step.QueueName(), context.Message.DurationSeconds, context.Message.Validation.Verdict);
        await _deadlines.DisarmAsync(context.Saga.CorrelationId, step, context.Message.Attempt, context.CancellationToken);
        await AdvanceAsync(context);
    }

    private Task OnFaultAsync<T>(BehaviorContext<MaintenanceRun, Fault<T>> context, MaintenanceStep step)
        where T : class, IStepCommand
    {
        var exception = context.Message.Exceptions.FirstOrDefault();
        var reason = exception is null ? "the task faulted" : $"the task faulted: {exception.ExceptionType}: {exception.Message}";
        return OnFailedAsync(context, step, context.Message.Message.Attempt, reason);
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

    /// <summary>Sends the next step's command and arms its deadline, or ends the attempt when no step is left.</summary>
    private async Task AdvanceAsync<T>(BehaviorContext<MaintenanceRun, T> context)
        where T : class
    {
        var run = context.Saga;
        var now = Now();
        var next = run.StartNextStep(now);
        if (next is not null)
        {
            var command = StepCommands.For(next.Step, run.CorrelationId, run.TargetDate, run.Attempt, run.Force);
            var endpoint = await context.GetSendEndpoint(StepCommands.Address(next.Step));
            await endpoint.Send((object)command, context.CancellationToken);
            await _deadlines.ArmAsync(run.CorrelationId, next.Step, run.Attempt, now, context.CancellationToken);
            await context.TransitionToState(_stepStates[next.Step]);
            _log.LogInformation("Run {RunId} for {TargetDate} attempt {Attempt}: {Step} sent", run.CorrelationId, run.TargetDate, run.Attempt, next.Step.QueueName());
        }
        else
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
