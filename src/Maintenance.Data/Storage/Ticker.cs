namespace Maintenance.Data.Storage;

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

    // Polygon's ticker details v3, as the platform's TickerMetadata carries them on to the scanners.
    public string? Description { get; init; }
    public string? HomepageUrl { get; init; }
    public string? PhoneNumber { get; init; }
    public string? Address1 { get; init; }
    public string? City { get; init; }
    public string? State { get; init; }
    public string? PostalCode { get; init; }
    public int? TotalEmployees { get; init; }
    /// <summary>The listing (IPO) date.</summary>
    public DateOnly? ListDate { get; init; }
    public string? LogoUrl { get; init; }
    public string? IconUrl { get; init; }
    public string? CompositeFigi { get; init; }
    public string? ShareClassFigi { get; init; }
    public string? TickerRoot { get; init; }
    public string? TickerSuffix { get; init; }
    public string? CurrencyName { get; init; }
    /// <summary><c>us</c> or <c>global</c>.</summary>
    public string? Locale { get; init; }
    /// <summary><c>stocks</c>, <c>otc</c>, ...</summary>
    public string? Market { get; init; }
    public int? RoundLot { get; init; }
    public DateTimeOffset? DelistedUtc { get; init; }

    /// <summary>The first trading day the ticker was seen; kept at its earliest value.</summary>
    public DateOnly? FirstSeen { get; init; }
    /// <summary>When the row last changed; stamped by the store.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
