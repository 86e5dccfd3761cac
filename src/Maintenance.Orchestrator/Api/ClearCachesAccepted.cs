namespace Maintenance.Orchestrator.Api;

/// <summary>The answer of <c>POST /clear-caches</c> when the task was sent (202), under a run id of its own.</summary>
public sealed record ClearCachesAccepted(Guid RunId, DateOnly TargetDate, string Note);
