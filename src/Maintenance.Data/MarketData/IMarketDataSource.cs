using Maintenance.Core;
using Maintenance.Data.Storage;

namespace Maintenance.Data.MarketData;

/// <summary>
/// Where the maintenance gets its market data: Polygon flat files, Polygon's REST API, or the sample generator.
/// Chosen by <c>MarketData:Source</c>; register with <see cref="MarketDataServiceCollectionExtensions.AddMarketData"/>.
/// </summary>
public interface IMarketDataSource
{
    /// <summary>
    /// True when the source can serve <paramref name="day"/>'s day aggregates without a
    /// <see cref="MarketDataMissingException"/> (best knowledge, no network call).
    /// </summary>
    bool HasDailyBars(DateOnly day);

    /// <summary>Same as <see cref="HasDailyBars"/> for the minute aggregates.</summary>
    bool HasMinuteBars(DateOnly day);

    /// <summary>The whole market's day aggregates of one trading day.</summary>
    /// <exception cref="MarketDataMissingException">The source has no data for the day.</exception>
    Task<DailyBarsResult> GetDailyBarsAsync(DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>
    /// The whole market's minute aggregates of one trading day, one ticker at a time: each ticker is
    /// yielded once, with all its bars in time order. Rows that cannot be used are skipped and recorded
    /// in <paramref name="skipped"/>, which is complete once the enumeration has finished.
    /// </summary>
    /// <exception cref="MarketDataMissingException">The source has no data for the day.</exception>
    IAsyncEnumerable<TickerMinuteBars> ReadMinuteBarsAsync(DateOnly day, SkippedRows skipped, CancellationToken cancellationToken = default);

    /// <summary>Reference data of one ticker, or null when the source does not know it.</summary>
    Task<TickerDetails?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default);

    /// <summary>The active stock tickers (as of <paramref name="asOf"/> when given, else now).</summary>
    IAsyncEnumerable<TickerInfo> ListTickersAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default);
}

/// <summary>One day's aggregates of the whole market, and the rows that could not be used.</summary>
public sealed record DailyBarsResult(DateOnly Date, IReadOnlyList<DailyBar> Bars, SkippedRows Skipped);

/// <summary>A ticker as the tickers list gives it.</summary>
public sealed record TickerInfo(string Symbol, string? Name, string? Exchange, string? Type, bool Active, string? Cik);

/// <summary>Reference data of one ticker (Polygon's ticker details v3, or the sample's synthetic equivalent).</summary>
/// <param name="Sector">The SIC division of <paramref name="SicCode"/> (see <see cref="SicSectors"/>).</param>
/// <param name="Industry">The SIC description.</param>
/// <param name="FloatShares">Freely traded shares; Polygon's ticker details do not carry it, so null there.</param>
public sealed record TickerDetails(
    string Symbol,
    string? Name,
    string? Exchange,
    string? Type,
    bool Active,
    double? MarketCap,
    long? ShareClassSharesOutstanding,
    long? WeightedSharesOutstanding,
    long? FloatShares,
    string? SicCode,
    string? Sector,
    string? Industry,
    string? Cik)
{
    public string? Description { get; init; }
    public string? HomepageUrl { get; init; }
    public string? PhoneNumber { get; init; }
    public string? Address1 { get; init; }
    public string? City { get; init; }
    public string? State { get; init; }
    public string? PostalCode { get; init; }
    public int? TotalEmployees { get; init; }
    public DateOnly? ListDate { get; init; }
    public string? LogoUrl { get; init; }
    public string? IconUrl { get; init; }
    public string? CompositeFigi { get; init; }
    public string? ShareClassFigi { get; init; }
    public string? TickerRoot { get; init; }
    public string? TickerSuffix { get; init; }
    public string? CurrencyName { get; init; }
    public string? Locale { get; init; }
    public string? Market { get; init; }
    public int? RoundLot { get; init; }
    /// <summary>When the ticker was delisted; null while it trades.</summary>
    public DateTimeOffset? DelistedUtc { get; init; }

    /// <summary>The row of <c>tickers</c> these details make: every field the provider gave, nulls keep what is stored.</summary>
    /// <remarks>Only an active ticker is enriched; the provider's flag is reference data, RecoverMissingTickers owns activity.</remarks>
    public Ticker ToTicker() => new()
    {
        Symbol = Symbol,
        Name = Name,
        Exchange = Exchange,
        Type = Type,
        Active = true,
        MarketCap = MarketCap,
        FloatShares = FloatShares,
        SharesOutstanding = ShareClassSharesOutstanding ?? WeightedSharesOutstanding,
        Sector = Sector,
        Industry = Industry,
        Cik = Cik,
        Description = Description,
        HomepageUrl = HomepageUrl,
        PhoneNumber = PhoneNumber,
        Address1 = Address1,
        City = City,
        State = State,
        PostalCode = PostalCode,
        TotalEmployees = TotalEmployees,
        ListDate = ListDate,
        LogoUrl = LogoUrl,
        IconUrl = IconUrl,
        CompositeFigi = CompositeFigi,
        ShareClassFigi = ShareClassFigi,
        TickerRoot = TickerRoot,
        TickerSuffix = TickerSuffix,
        CurrencyName = CurrencyName,
        Locale = Locale,
        Market = Market,
        RoundLot = RoundLot,
        DelistedUtc = DelistedUtc,
    };
}
