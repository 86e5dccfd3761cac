using Maintenance.Contracts;
using Maintenance.Orchestrator.Status;

namespace Maintenance.Orchestrator.Api;

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
