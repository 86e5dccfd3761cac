namespace Maintenance.Contracts;

/// <summary>How far a running step (or shard) has come, in its own unit (<c>days</c>, <c>rows</c>, <c>tickers</c>); sent at most once a second.</summary>
public sealed record MaintenanceStepProgress(Guid RunId, DateOnly TargetDate, int Attempt, MaintenanceStep Step, int Shard, long Done, long Total, string Unit);
