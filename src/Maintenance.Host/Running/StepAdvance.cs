using System.Globalization;

namespace Maintenance.Host.Running;

/// <summary>Work done of a step's total, over all its shards, in the step's own unit (days, rows, tickers).</summary>
public sealed record StepAdvance(long Done, long Total, string Unit)
{
    /// <summary>0 to 1; null when the total is not known.</summary>
    public double? Fraction => Total > 0 ? Math.Clamp((double)Done / Total, 0, 1) : null;

    public override string ToString() => Total > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Done:N0}/{Total:N0} {Unit}")
        : string.Create(CultureInfo.InvariantCulture, $"{Done:N0} {Unit}");
}
