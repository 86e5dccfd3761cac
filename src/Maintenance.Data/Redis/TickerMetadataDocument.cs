using System.Text.Json.Serialization;
using Maintenance.Core;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Redis;

/// <summary>
/// <c>metadata:ticker:{SYMBOL}</c>: the platform's <c>TickerMetadata</c> (shared/models/scanner.py), every field with
/// the model's name and JSON type, in its order; nulls are left out. Beside the model: <c>float_shares</c> (v2 model),
/// <c>free_float</c> and <c>free_float_percent</c> (head model, read by the analytics enrichment), <c>name</c> and
/// <c>active</c> (what this project wrote before). <c>beta</c> and <c>avg_volume_3m</c> are not known here: left out.
/// </summary>
public sealed record TickerMetadataDocument
{
    [JsonPropertyName("symbol")] public required string Symbol { get; init; }
    [JsonPropertyName("company_name")] public string? CompanyName { get; init; }
    [JsonPropertyName("exchange")] public string? Exchange { get; init; }
    [JsonPropertyName("sector")] public string? Sector { get; init; }
    [JsonPropertyName("industry")] public string? Industry { get; init; }
    [JsonPropertyName("market_cap")] public long? MarketCap { get; init; }
    [JsonPropertyName("float_shares")] public long? FloatShares { get; init; }
    [JsonPropertyName("free_float")] public long? FreeFloat { get; init; }
    [JsonPropertyName("free_float_percent")] public double? FreeFloatPercent { get; init; }
    [JsonPropertyName("shares_outstanding")] public long? SharesOutstanding { get; init; }
    [JsonPropertyName("avg_volume_30d")] public long? AvgVolume30d { get; init; }
    [JsonPropertyName("avg_volume_10d")] public long? AvgVolume10d { get; init; }
    [JsonPropertyName("avg_volume_5d")] public long? AvgVolume5d { get; init; }
    [JsonPropertyName("avg_price_30d")] public double? AvgPrice30d { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("homepage_url")] public string? HomepageUrl { get; init; }
    [JsonPropertyName("phone_number")] public string? PhoneNumber { get; init; }
    [JsonPropertyName("address")] public TickerAddress? Address { get; init; }
    [JsonPropertyName("total_employees")] public int? TotalEmployees { get; init; }
    [JsonPropertyName("list_date")] public DateOnly? ListDate { get; init; }
    [JsonPropertyName("logo_url")] public string? LogoUrl { get; init; }
    [JsonPropertyName("icon_url")] public string? IconUrl { get; init; }
    [JsonPropertyName("cik")] public string? Cik { get; init; }
    [JsonPropertyName("composite_figi")] public string? CompositeFigi { get; init; }
    [JsonPropertyName("share_class_figi")] public string? ShareClassFigi { get; init; }
    [JsonPropertyName("ticker_root")] public string? TickerRoot { get; init; }
    [JsonPropertyName("ticker_suffix")] public string? TickerSuffix { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("currency_name")] public string? CurrencyName { get; init; }
    [JsonPropertyName("locale")] public string? Locale { get; init; }
    [JsonPropertyName("market")] public string? Market { get; init; }
    [JsonPropertyName("round_lot")] public int? RoundLot { get; init; }
    [JsonPropertyName("delisted_utc")] public DateTimeOffset? DelistedUtc { get; init; }
    [JsonPropertyName("is_etf")] public bool IsEtf { get; init; }
    [JsonPropertyName("is_actively_trading")] public bool IsActivelyTrading { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("active")] public bool Active { get; init; }

    /// <summary>A ticker's row and, when known, its averages as of the session served.</summary>
    /// <remarks>
    /// The model's ints are truncated as its own validator does with a float (<c>int(v)</c>); <c>is_etf</c> is
    /// Polygon's type <c>ETF</c>, as the ticker-metadata service sets it.
    /// </remarks>
    public static TickerMetadataDocument From(Ticker ticker, VolumeAverage? averages)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        var hasAddress = ticker.Address1 is not null || ticker.City is not null || ticker.State is not null || ticker.PostalCode is not null;
        return new TickerMetadataDocument
        {
            Symbol = ticker.Symbol,
            CompanyName = ticker.Name,
            Exchange = ticker.Exchange,
            Sector = ticker.Sector,
            Industry = ticker.Industry,
            MarketCap = ticker.MarketCap is { } cap && double.IsFinite(cap) ? (long)Math.Truncate(cap) : null,
            FloatShares = ticker.FloatShares,
            FreeFloat = ticker.FloatShares,
            FreeFloatPercent = FloatPercent(ticker.FloatShares, ticker.SharesOutstanding),
            SharesOutstanding = ticker.SharesOutstanding,
            AvgVolume30d = averages?.AvgVolume30d,
            AvgVolume10d = averages?.AvgVolume10d,
            AvgVolume5d = averages?.AvgVolume5d,
            AvgPrice30d = averages?.AvgPrice30d,
            Description = ticker.Description,
            HomepageUrl = ticker.HomepageUrl,
            PhoneNumber = ticker.PhoneNumber,
            Address = hasAddress ? new TickerAddress(ticker.Address1, ticker.City, ticker.State, ticker.PostalCode) : null,
            TotalEmployees = ticker.TotalEmployees,
            ListDate = ticker.ListDate,
            LogoUrl = ticker.LogoUrl,
            IconUrl = ticker.IconUrl,
            Cik = ticker.Cik,
            CompositeFigi = ticker.CompositeFigi,
            ShareClassFigi = ticker.ShareClassFigi,
            TickerRoot = ticker.TickerRoot,
            TickerSuffix = ticker.TickerSuffix,
            Type = ticker.Type,
            CurrencyName = ticker.CurrencyName,
            Locale = ticker.Locale,
            Market = ticker.Market,
            RoundLot = ticker.RoundLot,
            DelistedUtc = ticker.DelistedUtc,
            IsEtf = ticker.Type == "ETF",
            IsActivelyTrading = ticker.Active,
            UpdatedAt = ticker.UpdatedAt,
            Name = ticker.Name,
            Active = ticker.Active,
        };
    }

    /// <summary>Float as a percentage of the shares outstanding, 2 decimals; unknown without both.</summary>
    public static double? FloatPercent(long? floatShares, long? sharesOutstanding) =>
        floatShares is { } f && sharesOutstanding is > 0 ? Math.Round(f * 100.0 / sharesOutstanding.Value, 2, MidpointRounding.AwayFromZero) : null;
}
