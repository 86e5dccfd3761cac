namespace Maintenance.Orchestrator.Api;

/// <summary>Every 4xx answer: one sentence that says what is wrong.</summary>
public sealed record ApiError(string Error);
