namespace Maintenance.Data;

/// <summary>A listed ticker and what is known about it: a row of <c>tickers</c>.</summary>
/// <remarks>
/// On upsert a null field means "not known by this source" and keeps the stored value, so a metadata
/// enrichment that only knows the market cap does not erase the name.
/// </remarks>
public sealed record Ticker
{
    public required string Symbol { get; init; }
    public string? Name { get; init; }
    public string? Exchange { get; init; }
    public string? Type { get; init; }
    public bool Active { get; init; } = true;
    public double? MarketCap { get; init; }
    public long? FloatShares { get; init; }
    public long? SharesOutstanding { get; init; }
    public string? Sector { get; init; }
    public string? Industry { get; init; }
    public string? Cik { get; init; }
    /// <summary>The first trading day the ticker was seen; kept at its earliest value.</summary>
    public DateOnly? FirstSeen { get; init; }
    /// <summary>When the row last changed; stamped by the store.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
