using Maintenance.Core;
using Maintenance.Data.MarketData.FlatFiles;
using Maintenance.Data.MarketData.PolygonRest;
using Maintenance.Data.Storage;

namespace Maintenance.Data.MarketData;

/// <summary>
/// The production source of docs/DESIGN.md: Polygon publishes a day's flat file around 11:00 New York the next
/// day, after the 03:00 run, so a day is read from its flat file when the file is there and from the REST
/// API when it is not yet. Reference data (details, the tickers list) always comes from REST.
/// </summary>
public sealed class FlatFilesThenRestSource(FlatFilesSource files, PolygonRestSource rest) : IMarketDataSource
{
    public bool HasDailyBars(DateOnly day) => files.HasDailyBars(day) || rest.HasDailyBars(day);

    public bool HasMinuteBars(DateOnly day) => files.HasMinuteBars(day) || rest.HasMinuteBars(day);

    public Task<DailyBarsResult> GetDailyBarsAsync(DateOnly day, CancellationToken cancellationToken = default) =>
        files.HasDailyBars(day) ? files.GetDailyBarsAsync(day, cancellationToken) : rest.GetDailyBarsAsync(day, cancellationToken);

    public IAsyncEnumerable<TickerMinuteBars> ReadMinuteBarsAsync(DateOnly day, SkippedRows skipped, CancellationToken cancellationToken = default) =>
        files.HasMinuteBars(day) ? files.ReadMinuteBarsAsync(day, skipped, cancellationToken) : rest.ReadMinuteBarsAsync(day, skipped, cancellationToken);

    public Task<Ticker?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default) =>
        rest.GetTickerDetailsAsync(symbol, cancellationToken);

    public IAsyncEnumerable<TickerInfo> ListTickersAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default) =>
        rest.ListTickersAsync(asOf, cancellationToken);
}
