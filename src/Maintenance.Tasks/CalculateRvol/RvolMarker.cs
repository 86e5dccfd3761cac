namespace Maintenance.Tasks.CalculateRvol;

/// <summary>What the <c>rvol:hist:avg:*</c> hashes in Redis were computed for.</summary>
public sealed record RvolMarker(DateOnly TargetDate, int[] Lookbacks, int Tickers, long Keys, DateTimeOffset ComputedAt);
