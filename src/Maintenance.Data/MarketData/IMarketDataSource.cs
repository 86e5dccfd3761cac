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

    /// <summary>
    /// Reference data of one ticker (Polygon's ticker details v3, or the sample's synthetic equivalent) as the
    /// <c>tickers</c> row it describes, or null when the source does not know it. <see cref="Ticker.Active"/> is the
    /// provider's flag; <see cref="Ticker.SharesOutstanding"/> the share class's count, else the weighted one;
    /// <see cref="Ticker.Sector"/> the SIC division of the SIC code (<see cref="SicSectors"/>) and
    /// <see cref="Ticker.Industry"/> its description; <see cref="Ticker.FloatShares"/> null from Polygon, which does
    /// not carry it.
    /// </summary>
    Task<Ticker?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default);

    /// <summary>The active stock tickers (as of <paramref name="asOf"/> when given, else now).</summary>
    IAsyncEnumerable<TickerInfo> ListTickersAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default);
}

/// <summary>One day's aggregates of the whole market, and the rows that could not be used.</summary>
public sealed record DailyBarsResult(DateOnly Date, IReadOnlyList<DailyBar> Bars, SkippedRows Skipped);

/// <summary>A ticker as the tickers list gives it.</summary>
public sealed record TickerInfo(string Symbol, string? Name, string? Exchange, string? Type, bool Active, string? Cik);
