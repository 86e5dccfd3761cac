namespace Maintenance.Core;

/// <summary>How the true ranges of a window are averaged.</summary>
public enum AtrMethod
{
    /// <summary>Seed = mean of the first <c>period</c> true ranges, then atr = (prev * (n - 1) + tr) / n, as TA-Lib.</summary>
    Wilder,

    /// <summary>Mean of the last <c>period</c> true ranges (the seed's v2).</summary>
    Sma,

    /// <summary>Seeded like Wilder, then atr = alpha * tr + (1 - alpha) * prev with alpha = 2 / (n + 1).</summary>
    Ema,
}
