namespace Maintenance.Orchestrator.Api;

/// <summary>The answer when clear-caches was not sent; <paramref name="Reason"/> is e.g. <c>market session in progress</c>.</summary>
public sealed record ClearCachesSkipped(bool Skipped, string Reason, string Note);
