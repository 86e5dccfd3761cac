namespace Maintenance.Orchestrator.Api;

/// <summary>The body of <c>POST /trigger</c>; every field is optional.</summary>
/// <param name="TargetDate"><c>yyyy-MM-dd</c>; the previous trading day when absent.</param>
/// <param name="Steps">Queue names (<c>load-ohlc</c>, ...) to run; all when absent.</param>
/// <param name="ForceClearCaches">Clear the real-time caches even during the market session (04:00-20:00 New York time on a trading day).</param>
public sealed record TriggerRequest(string? TargetDate = null, bool? Force = null, string[]? Steps = null, bool? ForceClearCaches = null);
