using Maintenance.Contracts;
using MassTransit;

namespace Maintenance.Host.Running;

public sealed class RunWatcher(RunOutcomes outcomes, RunProgress progress)
    : IConsumer<MaintenanceCompleted>, IConsumer<MaintenanceFailed>, IConsumer<MaintenanceRejected>, IConsumer<Fault<StartMaintenance>>, IConsumer<MaintenanceStepProgress>
{
    /// <summary>The saga refused the start (e.g. not a trading day): nothing ran.</summary>
    public Task Consume(ConsumeContext<MaintenanceRejected> context)
    {
        var m = context.Message;
        outcomes.Complete(new RunOutcome(m.RunId, m.TargetDate, 0, false, "refused by the orchestrator: " + m.Reason, m.RejectedAt, m.RejectedAt, []));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MaintenanceCompleted> context)
    {
        var m = context.Message;
        outcomes.Complete(new RunOutcome(m.RunId, m.TargetDate, m.Attempt, m.Succeeded, m.Succeeded ? null : "completed with errors", m.StartedAt, m.CompletedAt, m.Steps));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MaintenanceFailed> context)
    {
        var m = context.Message;
        outcomes.Complete(new RunOutcome(m.RunId, m.TargetDate, m.Attempt, false, m.Reason, m.StartedAt, m.FailedAt, m.Steps));
        return Task.CompletedTask;
    }

    /// <summary>The step services' progress, published at most once a second per shard: the bars of <c>run</c>.</summary>
    public Task Consume(ConsumeContext<MaintenanceStepProgress> context)
    {
        var m = context.Message;
        progress.Record(m.RunId, m.Attempt, m.Step, m.Shard, m.Done, m.Total, m.Unit);
        return Task.CompletedTask;
    }

    /// <summary>The saga could not even take the start (e.g. its database is unreachable): say so instead of waiting.</summary>
    public Task Consume(ConsumeContext<Fault<StartMaintenance>> context)
    {
        var start = context.Message.Message;
        var reason = string.Join("; ", context.Message.Exceptions.Select(e => $"{e.ExceptionType}: {e.Message}"));
        var now = DateTimeOffset.UtcNow;
        outcomes.Complete(new RunOutcome(RunIds.ForDate(start.TargetDate), start.TargetDate, 0, false, "the orchestrator could not start the run: " + reason, now, now, []));
        return Task.CompletedTask;
    }
}
