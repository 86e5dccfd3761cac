namespace Maintenance.Core;

/// <summary>One day of a symbol's stored volume-slot rows (only the slots that had bars).</summary>
public sealed record VolumeSlotDay(DateOnly Date, IReadOnlyList<VolumeSlot> Slots);
