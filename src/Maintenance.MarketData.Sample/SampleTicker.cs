namespace Maintenance.MarketData.Sample;

/// <summary>One ticker of the sample market and the parameters its data is drawn from.</summary>
/// <param name="Key">The ticker's stable number within its universe; it seeds all of the ticker's random numbers.</param>
/// <param name="StartPrice">The price at <see cref="SamplePrices.Epoch"/>.</param>
/// <param name="DailyVolatility">Standard deviation of the daily log return.</param>
/// <param name="AverageDailyVolume">Typical shares traded per day.</param>
/// <param name="Liquidity">Chance that a regular-hours minute at the day's quietest point has a bar; illiquid tickers are well below 1.</param>
/// <param name="ListedOn">First trading day with data, for a new listing; null when listed before the sample's time.</param>
/// <param name="DelistedAfter">Last trading day with data, for a delisting; null when still listed.</param>
public sealed record SampleTicker(
    int Key,
    string Symbol,
    string Name,
    string Exchange,
    string Type,
    double StartPrice,
    double DailyVolatility,
    double AverageDailyVolume,
    double Liquidity,
    double AverageTradeSize,
    DateOnly? ListedOn,
    DateOnly? DelistedAfter,
    long SharesOutstanding,
    long WeightedSharesOutstanding,
    long FloatShares,
    string? SicCode,
    string? SicDescription,
    string Cik)
{
    /// <summary>True when the ticker is listed on <paramref name="day"/>.</summary>
    public bool IsListedOn(DateOnly day) =>
        (ListedOn is null || day >= ListedOn) && (DelistedAfter is null || day <= DelistedAfter);
}
