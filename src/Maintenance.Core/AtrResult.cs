namespace Maintenance.Core;

/// <summary>An ATR value, or why there is none.</summary>
/// <param name="AtrPercent">ATR as a percentage of the target date's close.</param>
/// <param name="Reason">Why there is no value; null when there is one.</param>
public readonly record struct AtrResult(bool HasValue, double Atr, double AtrPercent, string? Reason)
{
    public static AtrResult Of(double atr, double atrPercent) => new(true, atr, atrPercent, null);

    public static AtrResult NoValue(string reason) => new(false, double.NaN, double.NaN, reason);
}
