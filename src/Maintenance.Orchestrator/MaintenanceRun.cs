using Maintenance.Contracts;
using MassTransit;

namespace Maintenance.Orchestrator;

/// <summary>
/// The maintenance of one target date: the saga instance (a row of <c>maintenance_runs</c>) and its per-step history
/// (rows of <c>maintenance_step_runs</c>, eight per attempt). Everything here is pure bookkeeping; the state machine
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

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The step whose command is out, null when none is.</summary>
    public MaintenanceStep? CurrentStep { get; set; }

    /// <summary>Why the attempt ended as it did, for a person; null while running and on full success.</summary>
    public string? Outcome { get; set; }

    /// <summary>Optimistic concurrency token, bumped on every save of the run or its steps.</summary>
    public int Version { get; set; }

    /// <summary>Every attempt's step rows; <see cref="CurrentSteps"/> are the ones that matter.</summary>
    public List<StepRun> Steps { get; set; } = [];

    public IEnumerable<StepRun> CurrentSteps => Steps.Where(s => s.Attempt == Attempt).OrderBy(s => s.Step);

    public bool IsActive => StartedAt is not null && CompletedAt is null;

    public StepRun StepOf(MaintenanceStep step) => Steps.Single(s => s.Attempt == Attempt && s.Step == step);

    /// <summary>
    /// Opens the next attempt: eight step rows, pending or (not in <see cref="StartMaintenance.Steps"/>) skipped.
    /// Unknown step names are reported back, not guessed at.
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
        StartedAt = now;
        CompletedAt = null;
        CurrentStep = null;
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

    /// <summary>Marks the first pending step running; null when no step is left.</summary>
    public StepRun? StartNextStep(DateTimeOffset now)
    {
        var next = CurrentSteps.FirstOrDefault(s => s.Status == StepStatus.Pending);
        CurrentStep = next?.Step;
        if (next is not null)
        {
            next.Status = StepStatus.Running;
            next.StartedAt = now;
        }

        return next;
    }

    /// <summary>
    /// Records a task's completion event. A completion whose own validation failed counts as a failure.
    /// </summary>
    /// <returns>False when the event does not belong to the running step of this attempt (a late or duplicate answer).</returns>
    public bool RecordCompleted(MaintenanceStep step, IStepCompleted completed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(completed);
        if (!IsRunning(step, completed.Attempt))
        {
            return false;
        }

        if (!completed.Validation.Passed)
        {
            return RecordFailed(step, completed.Attempt, "validation failed: " + completed.Validation.Verdict, now);
        }

        var row = StepOf(step);
        row.Status = StepStatus.Success;
        row.CompletedAt = now;
        row.DurationSeconds = completed.DurationSeconds;
        row.WorkSkipped = completed.Skipped;
        row.Verdict = completed.Validation.Verdict;
        row.Metrics = new Dictionary<string, double>(completed.Metrics);
        CurrentStep = null;
        return true;
    }

    /// <summary>Records a step failure (a failed event, a fault or a timeout) and skips the steps that depend on it.</summary>
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
        CurrentStep = null;
        SkipDependantsOf(step);
        return true;
    }

    /// <summary>Closes the attempt once no step is left and says how it ended.</summary>
    public RunOutcome Finish(DateTimeOffset now)
    {
        CompletedAt = now;
        CurrentStep = null;
        var requested = CurrentSteps.Where(s => s.Requested).ToList();
        var failed = requested.Where(s => s.Status == StepStatus.Failed).Select(s => s.Step.QueueName()).ToList();
        var skipped = requested.Where(s => s.Status == StepStatus.Skipped).Select(s => s.Step.QueueName()).ToList();
        var critical = requested.FirstOrDefault(s => s.Step == CriticalStep && s.Status == StepStatus.Failed);

        RunOutcome outcome;
        if (requested.Count == 0)
        {
            outcome = new RunOutcome(RunResult.Failed, "no known step was requested");
        }
        else if (requested.All(s => s.Status != StepStatus.Success))
        {
            outcome = new RunOutcome(RunResult.Failed, $"every requested step failed or was skipped: {Describe(failed, skipped)}");
        }
        else if (critical is not null)
        {
            outcome = new RunOutcome(RunResult.Failed, $"{CriticalStep.QueueName()} failed ({critical.Error}): the day's bars are missing; {Describe(failed, skipped)}");
        }
        else if (failed.Count > 0 || skipped.Count > 0)
        {
            outcome = new RunOutcome(RunResult.CompletedWithErrors, Describe(failed, skipped));
        }
        else
        {
            outcome = new RunOutcome(RunResult.Completed, null);
        }

        Outcome = outcome.Reason;
        return outcome;
    }

    public StepOutcome[] StepOutcomes() => CurrentSteps
        .Select(s => new StepOutcome(s.Step, s.Status, s.StartedAt, s.CompletedAt, s.Error, s.Metrics))
        .ToArray();

    private bool IsRunning(MaintenanceStep step, int attempt) =>
        attempt == Attempt && CompletedAt is null && Steps.Any(s => s.Attempt == attempt && s.Step == step && s.Status == StepStatus.Running);

    private void SkipDependantsOf(MaintenanceStep failed)
    {
        var blocked = new Queue<MaintenanceStep>([failed]);
        while (blocked.TryDequeue(out var cause))
        {
            foreach (var dependant in CurrentSteps.Where(s => s.Step.DependsOn() == cause && s.Status == StepStatus.Pending))
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

/// <summary>One step of one attempt of a run: a row of <c>maintenance_step_runs</c>.</summary>
public class StepRun
{
    public Guid RunId { get; set; }

    public int Attempt { get; set; }

    public MaintenanceStep Step { get; set; }

    /// <summary>False when the start request limited the run to other steps.</summary>
    public bool Requested { get; set; }

    public StepStatus Status { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The task's own measure of its work.</summary>
    public double? DurationSeconds { get; set; }

    /// <summary>The task found its output already complete and valid and redid nothing.</summary>
    public bool WorkSkipped { get; set; }

    /// <summary>The task's one-line validation verdict.</summary>
    public string? Verdict { get; set; }

    public string? Error { get; set; }

    public Dictionary<string, double>? Metrics { get; set; }
}

public enum RunResult
{
    Completed,
    CompletedWithErrors,
    Failed,
}

/// <param name="Reason">What failed or was skipped; null on full success.</param>
public sealed record RunOutcome(RunResult Result, string? Reason);
