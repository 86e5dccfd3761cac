// Longer than 250 lines: the run is one aggregate: every rule of its bookkeeping (graph, shards, outcome) changes together.
using Maintenance.Contracts;
using Maintenance.Orchestrator.Timeouts;
using MassTransit;

namespace Maintenance.Orchestrator;

/// <summary>
/// The maintenance of one target date: the saga instance (a row of <c>maintenance_runs</c>) and its per-step history
/// (rows of <c>maintenance_step_runs</c>, one per step and attempt). Everything here is pure bookkeeping; the state machine
/// decides when to call it and does the I/O.
/// </summary>
public class MaintenanceRun : SagaStateMachineInstance
{
    /// <summary>Who may only start a date that has no run yet (<see cref="RunIds.ForDate"/> makes replicas agree on the id).</summary>
    public const string Scheduler = "scheduler";

    /// <summary>The one step whose failure makes the day's data unusable: without bars there is nothing to scan.</summary>
    public const MaintenanceStep CriticalStep = MaintenanceStep.LoadOhlc;

    /// <summary><see cref="RunIds.ForDate"/> of <see cref="TargetDate"/>.</summary>
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = string.Empty;

    public DateOnly TargetDate { get; set; }

    /// <summary>1 for the first run of the date, incremented each time a finished date is started again.</summary>
    public int Attempt { get; set; }

    public string RequestedBy { get; set; } = string.Empty;

    public bool Force { get; set; }

    /// <summary>Clear the real-time caches even during a market session (the start's explicit override).</summary>
    public bool ForceClearCaches { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Why the attempt ended as it did, for a person; null while running and on full success.</summary>
    public string? Outcome { get; set; }

    /// <summary>Optimistic concurrency token, bumped on every save of the run or its steps.</summary>
    public int Version { get; set; }

    /// <summary>Every attempt's step rows; <see cref="CurrentSteps"/> are the ones that matter.</summary>
    public List<StepRun> Steps { get; set; } = [];

    public IEnumerable<StepRun> CurrentSteps => Steps.Where(s => s.Attempt == Attempt).OrderBy(s => s.Step);

    public bool IsActive => StartedAt is not null && CompletedAt is null;

    public StepRun StepOf(MaintenanceStep step) => Steps.Single(s => s.Attempt == Attempt && s.Step == step);

    /// <summary>The steps of this attempt whose commands are out.</summary>
    public IEnumerable<StepRun> RunningSteps => CurrentSteps.Where(s => s.Status == StepStatus.Running);

    /// <summary>
    /// Opens the next attempt: one step row per step of <see cref="MaintenanceSteps.Graph"/>, pending or (not in
    /// <see cref="StartMaintenance.Steps"/>) skipped. Unknown step names are reported back, not guessed at.
    /// </summary>
    /// <returns>The step names of the request that name no step.</returns>
    public IReadOnlyList<string> BeginAttempt(StartMaintenance request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (requested, unknown) = RequestedSteps(request.Steps);

        CorrelationId = RunIds.ForDate(request.TargetDate);
        TargetDate = request.TargetDate;
        Attempt++;
        RequestedBy = request.RequestedBy;
        Force = request.Force;
        ForceClearCaches = request.ForceClearCaches;
        StartedAt = now;
        CompletedAt = null;
        Outcome = null;
        foreach (var step in MaintenanceSteps.InOrder)
        {
            var wanted = requested.Contains(step);
            Steps.Add(new StepRun
            {
                RunId = CorrelationId,
                Attempt = Attempt,
                Step = step,
                Requested = wanted,
                Status = wanted ? StepStatus.Pending : StepStatus.Skipped,
                Error = wanted ? null : "not requested",
            });
        }

        return unknown;
    }

    /// <summary>
    /// Marks running every pending step whose prerequisites have all finished, each split into
    /// <paramref name="shardsOf"/> shards (<see cref="StepSharding.ShardsOf"/>: one unless the step divides); empty when nothing can start now (steps are running, or none is left).
    /// With <paramref name="atOnce"/> (<see cref="StepsAtOnce"/>) only so many steps run at a time, the first ready in the graph's order.
    /// </summary>
    public IReadOnlyList<StepRun> StartReadySteps(DateTimeOffset now, Func<MaintenanceStep, int> shardsOf, int? atOnce = null)
    {
        ArgumentNullException.ThrowIfNull(shardsOf);
        var finished = CurrentSteps.Where(s => s.Status is not (StepStatus.Pending or StepStatus.Running)).Select(s => s.Step).ToHashSet();
        var running = CurrentSteps.Count(s => s.Status == StepStatus.Running);
        var ready = CurrentSteps
            .Where(s => s.Status == StepStatus.Pending && s.Step.Definition().Prerequisites.All(finished.Contains))
            .Take(atOnce is { } limit ? Math.Max(0, limit - running) : int.MaxValue)
            .ToList();
        foreach (var step in ready)
        {
            step.Status = StepStatus.Running;
            step.StartedAt = now;
            var count = Math.Max(1, shardsOf(step.Step));
            step.Shards = [.. Enumerable.Range(0, count).Select(i => new ShardRun { Shard = i, Status = StepStatus.Running, HeardAt = now })];
        }

        return ready;
    }

    /// <summary>True once no step of the attempt is pending or running.</summary>
    public bool AllStepsFinished => CurrentSteps.All(s => s.Status is not (StepStatus.Pending or StepStatus.Running));

    /// <summary>
    /// Records a shard's completion event; the step succeeds once all its shards have. A completion whose own
    /// validation failed fails the whole step.
    /// </summary>
    /// <returns>False when the event does not belong to a running shard of this attempt (a late or duplicate answer).</returns>
    public bool RecordCompleted(MaintenanceStepCompleted completed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(completed);
        if (RunningShard(completed.Step, completed.Attempt, completed.Shard) is not { } shard)
        {
            return false;
        }

        if (!completed.Validation.Passed)
        {
            var where = completed.ShardCount > 1 ? $" (shard {completed.Shard + 1} of {completed.ShardCount})" : "";
            return RecordFailed(completed.Step, completed.Attempt, $"validation failed{where}: {completed.Validation.Verdict}", now);
        }

        shard.Status = StepStatus.Success;
        shard.HeardAt = now;
        shard.DurationSeconds = completed.DurationSeconds;
        shard.Skipped = completed.Skipped;
        shard.Verdict = completed.Validation.Verdict;
        shard.Metrics = new Dictionary<string, double>(completed.Metrics);
        var row = StepOf(completed.Step);
        if (row.Shards.Any(s => s.Status == StepStatus.Running))
        {
            return true;
        }

        row.Status = StepStatus.Success;
        row.CompletedAt = now;
        row.DurationSeconds = row.Shards.Max(s => s.DurationSeconds);
        row.WorkSkipped = row.Shards.All(s => s.Skipped);
        row.Verdict = string.Join(" | ", row.Shards.Select(s => s.Verdict).Distinct());
        row.Metrics = SumOf(row.Shards);
        return true;
    }

    /// <summary>
    /// Records how far a running shard has come, and that it is alive at <paramref name="heardAt"/>; a heartbeat (an
    /// empty unit) only says it is alive. False when the shard is not running.
    /// </summary>
    public bool RecordProgress(MaintenanceStepProgress progress, DateTimeOffset? heardAt = null)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (RunningShard(progress.Step, progress.Attempt, progress.Shard) is not { } shard)
        {
            return false;
        }

        shard.HeardAt = heardAt ?? shard.HeardAt;
        if (string.IsNullOrEmpty(progress.Unit))
        {
            return true;
        }

        shard.Done = progress.Done;
        shard.Total = progress.Total;
        shard.Unit = progress.Unit;
        return true;
    }

    /// <summary>
    /// Whether a running step of <paramref name="attempt"/> has gone silent at <paramref name="now"/>: no shard of it
    /// heard from for <see cref="StepSilence.Window"/>. Then its unanswered shards are marked re-sent (the caller sends
    /// them) unless they were re-sent <see cref="StepSilence.MaxResends"/> times already.
    /// </summary>
    public SilenceVerdict CheckSilence(MaintenanceStep step, int attempt, DateTimeOffset now, StepSilence silence)
    {
        ArgumentNullException.ThrowIfNull(silence);
        if (!IsRunning(step, attempt))
        {
            return new SilenceVerdict([], null, null);
        }

        var row = StepOf(step);
        var heard = row.Shards.Select(s => s.HeardAt ?? row.StartedAt ?? now).DefaultIfEmpty(row.StartedAt ?? now).Max();
        var quiet = now - heard;
        if (quiet < silence.Window)
        {
            return new SilenceVerdict([], heard + silence.Window, null);
        }

        var unanswered = row.Shards.Where(s => s.Status == StepStatus.Running).ToList();
        var resends = unanswered.Select(s => s.Resends).DefaultIfEmpty(0).Max();
        if (resends >= silence.MaxResends)
        {
            return new SilenceVerdict([], null, $"no progress and no answer for {quiet.TotalSeconds:F0} s after {resends} re-sends; waiting for the step's deadline");
        }

        foreach (var shard in unanswered)
        {
            shard.Resends++;
            shard.HeardAt = now;
        }

        return new SilenceVerdict(
            [.. unanswered.Select(s => s.Shard)],
            now + silence.Window,
            $"no progress and no answer for {quiet.TotalSeconds:F0} s: its command or answer was lost (re-send {resends + 1} of {silence.MaxResends})");
    }

    /// <summary>Records a step failure (a failed event or a timeout) and skips the steps that need it.</summary>
    /// <returns>False when the step is not running in <paramref name="attempt"/> (a late or duplicate answer).</returns>
    public bool RecordFailed(MaintenanceStep step, int attempt, string reason, DateTimeOffset now)
    {
        if (!IsRunning(step, attempt))
        {
            return false;
        }

        var row = StepOf(step);
        row.Status = StepStatus.Failed;
        row.CompletedAt = now;
        row.Error = reason;
        foreach (var shard in row.Shards.Where(s => s.Status == StepStatus.Running))
        {
            shard.Status = StepStatus.Failed;
        }

        SkipDependantsOf(step);
        return true;
    }

    /// <summary>Closes the attempt once no step is left and says how it ended.</summary>
    public AttemptOutcome Finish(DateTimeOffset now)
    {
        CompletedAt = now;
        var requested = CurrentSteps.Where(s => s.Requested).ToList();
        var failed = requested.Where(s => s.Status == StepStatus.Failed).Select(s => s.Step.QueueName()).ToList();
        var skipped = requested.Where(s => s.Status == StepStatus.Skipped).Select(s => s.Step.QueueName()).ToList();
        var critical = requested.FirstOrDefault(s => s.Step == CriticalStep && s.Status == StepStatus.Failed);

        AttemptOutcome outcome;
        if (requested.Count == 0)
        {
            outcome = new AttemptOutcome(RunResult.Failed, "no known step was requested");
        }
        else if (requested.All(s => s.Status != StepStatus.Success))
        {
            outcome = new AttemptOutcome(RunResult.Failed, $"every requested step failed or was skipped: {Describe(failed, skipped)}");
        }
        else if (critical is not null)
        {
            outcome = new AttemptOutcome(RunResult.Failed, $"{CriticalStep.QueueName()} failed ({critical.Error}): the day's bars are missing; {Describe(failed, skipped)}");
        }
        else if (failed.Count > 0 || skipped.Count > 0)
        {
            outcome = new AttemptOutcome(RunResult.CompletedWithErrors, Describe(failed, skipped));
        }
        else
        {
            outcome = new AttemptOutcome(RunResult.Completed, null);
        }

        Outcome = outcome.Reason;
        return outcome;
    }

    public StepOutcome[] StepOutcomes() => CurrentSteps
        .Select(s => new StepOutcome(s.Step, s.Status, s.StartedAt, s.CompletedAt, s.Error, s.Metrics))
        .ToArray();

    /// <summary>The figures of this attempt's successful steps, as <c>queue.metric</c>: what the notification checks is still in place.</summary>
    public Dictionary<string, double> SucceededFigures() => CurrentSteps
        .Where(s => s.Status == StepStatus.Success && s.Metrics is not null)
        .SelectMany(s => s.Metrics!.Select(m => (Key: $"{s.Step.QueueName()}.{m.Key}", m.Value)))
        .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);

    private bool IsRunning(MaintenanceStep step, int attempt) =>
        attempt == Attempt && CompletedAt is null && Steps.Any(s => s.Attempt == attempt && s.Step == step && s.Status == StepStatus.Running);

    private ShardRun? RunningShard(MaintenanceStep step, int attempt, int shard) =>
        IsRunning(step, attempt) ? StepOf(step).Shards.FirstOrDefault(s => s.Shard == shard && s.Status == StepStatus.Running) : null;

    private static Dictionary<string, double> SumOf(List<ShardRun> shards)
    {
        var sum = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in shards.Where(s => s.Metrics is not null).SelectMany(s => s.Metrics!))
        {
            sum[name] = sum.GetValueOrDefault(name) + value;
        }

        return sum;
    }

    private void SkipDependantsOf(MaintenanceStep failed)
    {
        var blocked = new Queue<MaintenanceStep>([failed]);
        while (blocked.TryDequeue(out var cause))
        {
            foreach (var dependant in CurrentSteps.Where(s => s.Step.Definition().Needs.Contains(cause) && s.Status == StepStatus.Pending))
            {
                dependant.Status = StepStatus.Skipped;
                dependant.Error = $"skipped: {cause.QueueName()} did not succeed";
                blocked.Enqueue(dependant.Step);
            }
        }
    }

    private static (HashSet<MaintenanceStep> Requested, List<string> Unknown) RequestedSteps(string[]? names)
    {
        if (names is null || names.Length == 0)
        {
            return ([.. MaintenanceSteps.InOrder], []);
        }

        var requested = new HashSet<MaintenanceStep>();
        var unknown = new List<string>();
        foreach (var name in names)
        {
            if (MaintenanceSteps.TryParse(name ?? string.Empty, out var step))
            {
                requested.Add(step);
            }
            else
            {
                unknown.Add(name ?? "(null)");
            }
        }

        return (requested, unknown);
    }

    private static string Describe(List<string> failed, List<string> skipped)
    {
        var parts = new List<string>();
        if (failed.Count > 0)
        {
            parts.Add("failed: " + string.Join(", ", failed));
        }

        if (skipped.Count > 0)
        {
            parts.Add("skipped: " + string.Join(", ", skipped));
        }

        return string.Join("; ", parts);
    }
}
