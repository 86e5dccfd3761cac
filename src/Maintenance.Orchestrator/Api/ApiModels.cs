using Maintenance.Contracts;
using Maintenance.Orchestrator.Persistence;
using Maintenance.Orchestrator.Status;

namespace Maintenance.Orchestrator.Api;

/// <summary>Every 4xx answer: one sentence that says what is wrong.</summary>
public sealed record ApiError(string Error);

/// <summary>One run as the operator API shows it (snake_case on the wire).</summary>
public sealed record RunView(
    Guid RunId,
    DateOnly Date,
    int Attempt,
    string State,
    string RequestedBy,
    bool Force,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? DurationSeconds,
    bool AllSuccess,
    IReadOnlyList<string> RunningSteps,
    string? Outcome,
    IReadOnlyDictionary<string, string> Tasks,
    IReadOnlyList<StepView> Steps)
{
    public static RunView Of(MaintenanceRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var status = RunStatusDocument.Of(run);
        return new RunView(
            run.CorrelationId,
            run.TargetDate,
            run.Attempt,
            run.CurrentState,
            run.RequestedBy,
            run.Force,
            run.StartedAt,
            run.CompletedAt,
            status.DurationSeconds,
            status.AllSuccess,
            [.. run.RunningSteps.Select(s => s.Step.QueueName())],
            run.Outcome,
            status.Tasks,
            run.CurrentSteps.Select(StepView.Of).ToList());
    }
}

public sealed record StepView(
    string Step,
    string Status,
    bool Requested,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? DurationSeconds,
    bool WorkSkipped,
    string? Verdict,
    string? Error,
    IReadOnlyDictionary<string, double>? Metrics,
    StepProgressView? Progress,
    IReadOnlyList<ShardView> Shards)
{
    public static StepView Of(StepRun step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new StepView(
            step.Step.QueueName(),
            SagaDbContext.StatusName(step.Status),
            step.Requested,
            step.StartedAt,
            step.CompletedAt,
            step.DurationSeconds,
            step.WorkSkipped,
            step.Verdict,
            step.Error,
            step.Metrics,
            step.ProgressUnit is { } unit ? new StepProgressView(step.ProgressDone ?? 0, step.ProgressTotal ?? 0, unit) : null,
            [.. step.Shards.Select(s => new ShardView(s.Shard, SagaDbContext.StatusName(s.Status), s.Done, s.Total, s.Unit, s.DurationSeconds, s.Verdict))]);
    }
}

/// <summary>How far a running step has come over all its shards, in its own unit (<c>tickers</c>, <c>days</c>).</summary>
public sealed record StepProgressView(long Done, long Total, string Unit);

/// <summary>One shard of a step (a step that does not divide has one).</summary>
public sealed record ShardView(int Shard, string Status, long Done, long Total, string? Unit, double? DurationSeconds, string? Verdict);

public sealed record RunList(IReadOnlyList<RunView> Runs);

/// <param name="NextRun">The next fire time in New York time, with its offset.</param>
/// <param name="TargetDate">The trading day that fire maintains.</param>
public sealed record NextRunView(DateTimeOffset NextRun, DateTimeOffset NextRunUtc, DateOnly TargetDate, string TimeZone, bool ScheduleEnabled);

/// <summary>The body of <c>POST /trigger</c>; every field is optional.</summary>
/// <param name="TargetDate"><c>yyyy-MM-dd</c>; the previous trading day when absent.</param>
/// <param name="Steps">Queue names (<c>load-ohlc</c>, ...) to run; all when absent.</param>
/// <param name="ForceClearCaches">Clear the real-time caches even during the market session (04:00-20:00 New York time on a trading day).</param>
public sealed record TriggerRequest(string? TargetDate = null, bool? Force = null, string[]? Steps = null, bool? ForceClearCaches = null);

public sealed record TriggerAccepted(Guid RunId, DateOnly TargetDate, bool Force, IReadOnlyList<string>? Steps, string StatusUrl, string Note);

public sealed record ClearCachesAccepted(Guid RunId, DateOnly TargetDate, string Note);

/// <summary>The body of <c>POST /clear-caches</c>; optional.</summary>
/// <param name="ForceClearCaches">Clear even during the market session, when scanners are filling the keys.</param>
public sealed record ClearCachesRequest(bool? ForceClearCaches = null);

/// <summary>The answer when clear-caches was not sent; <paramref name="Reason"/> is e.g. <c>market session in progress</c>.</summary>
public sealed record ClearCachesSkipped(bool Skipped, string Reason, string Note);
