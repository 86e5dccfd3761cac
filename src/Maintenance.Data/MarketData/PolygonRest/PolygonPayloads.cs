using System.Text.Json.Serialization;

namespace Maintenance.Data.MarketData.PolygonRest;

// The documented shapes of Polygon's answers, as far as they are read. Every field is nullable: a missing
// field is a row to skip with a reason, not an exception.

/// <summary>An aggregate bar of <c>/v2/aggs/...</c>: grouped daily (with <c>T</c>) or per ticker.</summary>
internal sealed record PolygonAggregate(
    [property: JsonPropertyName("T")] string? Ticker,
    [property: JsonPropertyName("v")] double? Volume,
    [property: JsonPropertyName("vw")] double? Vwap,
    [property: JsonPropertyName("o")] double? Open,
    [property: JsonPropertyName("c")] double? Close,
    [property: JsonPropertyName("h")] double? High,
    [property: JsonPropertyName("l")] double? Low,
    [property: JsonPropertyName("t")] long? Timestamp,
    [property: JsonPropertyName("n")] long? Transactions);

internal sealed record PolygonAggregatesPage(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("resultsCount")] int? ResultsCount,
    [property: JsonPropertyName("results")] PolygonAggregate[]? Results,
    [property: JsonPropertyName("next_url")] string? NextUrl);

internal sealed record PolygonTicker(
    [property: JsonPropertyName("ticker")] string? Ticker,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("primary_exchange")] string? PrimaryExchange,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("active")] bool? Active,
    [property: JsonPropertyName("cik")] string? Cik,
    [property: JsonPropertyName("market_cap")] double? MarketCap,
    [property: JsonPropertyName("share_class_shares_outstanding")] double? ShareClassSharesOutstanding,
    [property: JsonPropertyName("weighted_shares_outstanding")] double? WeightedSharesOutstanding,
    [property: JsonPropertyName("sic_code")] string? SicCode,
    [property: JsonPropertyName("sic_description")] string? SicDescription)
{
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("homepage_url")] public string? HomepageUrl { get; init; }
    [JsonPropertyName("phone_number")] public string? PhoneNumber { get; init; }
    [JsonPropertyName("address")] public PolygonAddress? Address { get; init; }
    [JsonPropertyName("total_employees")] public double? TotalEmployees { get; init; }
    [JsonPropertyName("list_date")] public string? ListDate { get; init; }
    [JsonPropertyName("branding")] public PolygonBranding? Branding { get; init; }
    [JsonPropertyName("composite_figi")] public string? CompositeFigi { get; init; }
    [JsonPropertyName("share_class_figi")] public string? ShareClassFigi { get; init; }
    [JsonPropertyName("ticker_root")] public string? TickerRoot { get; init; }
    [JsonPropertyName("ticker_suffix")] public string? TickerSuffix { get; init; }
    [JsonPropertyName("currency_name")] public string? CurrencyName { get; init; }
    [JsonPropertyName("locale")] public string? Locale { get; init; }
    [JsonPropertyName("market")] public string? Market { get; init; }
    [JsonPropertyName("round_lot")] public double? RoundLot { get; init; }
    [JsonPropertyName("delisted_utc")] public string? DelistedUtc { get; init; }
}

internal sealed record PolygonAddress(
    [property: JsonPropertyName("address1")] string? Address1,
    [property: JsonPropertyName("city")] string? City,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("postal_code")] string? PostalCode);

internal sealed record PolygonBranding(
    [property: JsonPropertyName("logo_url")] string? LogoUrl,
    [property: JsonPropertyName("icon_url")] string? IconUrl);

internal sealed record PolygonTickerDetailsPage(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("results")] PolygonTicker? Results);

internal sealed record PolygonTickersPage(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("results")] PolygonTicker[]? Results,
    [property: JsonPropertyName("next_url")] string? NextUrl);
