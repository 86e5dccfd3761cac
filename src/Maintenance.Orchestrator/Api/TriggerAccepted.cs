namespace Maintenance.Orchestrator.Api;

/// <summary>The answer of <c>POST /trigger</c> (202): the run id, where to follow it, and what the request did.</summary>
public sealed record TriggerAccepted(Guid RunId, DateOnly TargetDate, bool Force, IReadOnlyList<string>? Steps, string StatusUrl, string Note);
