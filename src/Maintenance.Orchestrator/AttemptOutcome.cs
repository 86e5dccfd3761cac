namespace Maintenance.Orchestrator;

/// <summary>How an attempt of a run ended.</summary>
public enum RunResult
{
    Completed,
    CompletedWithErrors,
    Failed,
}

/// <param name="Reason">What failed or was skipped; null on full success.</param>
public sealed record AttemptOutcome(RunResult Result, string? Reason);
