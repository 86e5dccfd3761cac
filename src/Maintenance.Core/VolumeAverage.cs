namespace Maintenance.Core;

/// <summary>
/// A symbol's averages as the scanners' metadata carries them (<c>avg_volume_30d</c>, <c>avg_volume_10d</c>,
/// <c>avg_volume_5d</c>, <c>avg_price_30d</c>). A window in which the symbol has no bar has no average (null).
/// </summary>
/// <param name="Days">The bars averaged for the 30-session figures.</param>
public sealed record VolumeAverage(string Symbol, long? AvgVolume30d, long? AvgVolume10d, long? AvgVolume5d, double? AvgPrice30d, int Days);
