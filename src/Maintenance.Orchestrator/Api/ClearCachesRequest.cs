namespace Maintenance.Orchestrator.Api;

/// <summary>The body of <c>POST /clear-caches</c>; optional.</summary>
/// <param name="ForceClearCaches">Clear even during the market session, when scanners are filling the keys.</param>
public sealed record ClearCachesRequest(bool? ForceClearCaches = null);
