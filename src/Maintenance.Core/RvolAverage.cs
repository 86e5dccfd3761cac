namespace Maintenance.Core;

/// <summary>A symbol's RVOL averages for one lookback.</summary>
/// <param name="DaysUsed">The days averaged: the lookback, or fewer when the symbol has less history.</param>
/// <param name="Slots">The slots whose average is above zero, in slot order (what the cache stores).</param>
public sealed record RvolAverage(int Lookback, int DaysUsed, IReadOnlyList<SlotAverage> Slots);
