namespace Maintenance.Core;

/// <summary>Why a bar was left out. A bar with several faults counts once, under the first in this order.</summary>
public enum BarRejection
{
    /// <summary>The bar is not of the requested day (daily: another date; minute: outside that New York calendar day).</summary>
    OutsideDay,

    /// <summary>A daily bar without a ticker symbol.</summary>
    MissingSymbol,

    /// <summary>Open, high, low or close is zero, negative or not a number.</summary>
    NonPositivePrice,

    NegativeVolume,

    /// <summary>High below max(open, close).</summary>
    HighBelowOpenClose,

    /// <summary>Low above min(open, close).</summary>
    LowAboveOpenClose,

    /// <summary>A second bar for the same symbol (daily) or the same minute (minute); the first valid one is kept.</summary>
    Duplicate,
}
