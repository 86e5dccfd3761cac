namespace Maintenance.Data.Redis;

/// <summary>One symbol's RVOL averages over <see cref="Days"/> days, indexed by slot (0-191).</summary>
public sealed record RvolAverages(string Symbol, int Days, IReadOnlyList<long> SlotAverages);
