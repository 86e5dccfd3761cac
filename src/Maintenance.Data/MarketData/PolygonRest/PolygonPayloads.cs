using System.Text.Json.Serialization;

namespace Maintenance.Data.MarketData;

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
    [property: JsonPropertyName("sic_description")] string? SicDescription);

internal sealed record PolygonTickerDetailsPage(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("results")] PolygonTicker? Results);

internal sealed record PolygonTickersPage(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("results")] PolygonTicker[]? Results,
    [property: JsonPropertyName("next_url")] string? NextUrl);
