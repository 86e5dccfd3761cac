namespace Maintenance.Orchestrator.Api;

/// <summary>Whether the mutating endpoints need <c>X-Api-Key</c>; never the key itself.</summary>
public sealed record ApiInfo(bool ApiKeyRequired);
