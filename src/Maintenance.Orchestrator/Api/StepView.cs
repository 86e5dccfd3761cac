using Maintenance.Contracts;
using Maintenance.Orchestrator.Persistence;

namespace Maintenance.Orchestrator.Api;

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
