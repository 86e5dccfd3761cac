namespace Maintenance.Orchestrator.Api;

/// <summary>How far a running step has come over all its shards, in its own unit (<c>tickers</c>, <c>days</c>).</summary>
public sealed record StepProgressView(long Done, long Total, string Unit);
