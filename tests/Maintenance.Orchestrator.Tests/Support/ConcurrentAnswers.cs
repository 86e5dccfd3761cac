using Maintenance.Orchestrator.Timeouts;
using Maintenance.Contracts;

namespace Maintenance.Orchestrator.Tests.Support;

/// <summary>
/// Hammers one running step with 60 concurrent answers (completions, failures, timeouts). Exactly one may win:
/// a lost update would show as the next step sent twice or a second run event.
/// </summary>
public static class ConcurrentAnswers
{
    public const int EachKind = 20;

    public static Task PublishAsync(TestOrchestrator orchestrator, RunMaintenanceStep command)
    {
        var answers = new List<Task>();
        for (var i = 0; i < EachKind; i++)
        {
            answers.Add(orchestrator.PublishAsync(TaskScript.CompletionOf(command)));
            answers.Add(orchestrator.PublishAsync(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, MaintenanceStep.ClearCaches, "concurrent failure " + i, false)));
            answers.Add(orchestrator.PublishAsync(new StepTimedOut(command.RunId, MaintenanceStep.ClearCaches, command.Attempt, 600)));
        }

        return Task.WhenAll(answers);
    }

    public static void AssertOneOutcome(TestOrchestrator orchestrator, MaintenanceCompleted completed, MaintenanceRun? run)
    {
        Assert.NotNull(run);
        Assert.Single(orchestrator.Events.Completed);
        Assert.Single(orchestrator.Script.ReceivedOf(MaintenanceStep.LoadOhlc));
        Assert.Equal(MaintenanceSteps.Graph.Count, orchestrator.Script.Received.Count);
        var clear = run.StepOf(MaintenanceStep.ClearCaches);
        Assert.Contains(clear.Status, new[] { StepStatus.Success, StepStatus.Failed });
        Assert.Equal(clear.Status, completed.Steps[0].Status);
        Assert.All(run.CurrentSteps.Skip(1), s => Assert.Equal(StepStatus.Success, s.Status));

        // One version bump per committed transition: start, then one per step answer. Anything lost would lower it.
        Assert.Equal(1 + MaintenanceSteps.Graph.Count, run.Version);
    }
}
