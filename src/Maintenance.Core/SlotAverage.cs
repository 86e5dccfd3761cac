namespace Maintenance.Core;

/// <summary>The historical average accumulated volume at one slot.</summary>
public readonly record struct SlotAverage(int Slot, long Average);
