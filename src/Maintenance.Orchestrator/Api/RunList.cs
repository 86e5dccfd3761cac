namespace Maintenance.Orchestrator.Api;

/// <summary>The answer of <c>/runs</c>: the runs, newest first.</summary>
public sealed record RunList(IReadOnlyList<RunView> Runs);
