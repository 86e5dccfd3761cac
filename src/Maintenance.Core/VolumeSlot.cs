namespace Maintenance.Core;

/// <summary>One five-minute slot of a ticker's day: its volume and trades, and the day's volume up to its end.</summary>
/// <param name="Slot">0-191; slot n covers [04:00 + 5n, 04:05 + 5n) America/New_York.</param>
/// <param name="AccumulatedVolume">The day's volume from 04:00 to the end of this slot.</param>
public readonly record struct VolumeSlot(int Slot, long Volume, long AccumulatedVolume, int Trades);
