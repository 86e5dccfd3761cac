namespace Maintenance.Orchestrator.Api;

/// <summary>One shard of a step (a step that does not divide has one).</summary>
public sealed record ShardView(int Shard, string Status, long Done, long Total, string? Unit, double? DurationSeconds, string? Verdict);
