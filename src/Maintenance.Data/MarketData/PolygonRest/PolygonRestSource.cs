using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Maintenance.Core;
using Maintenance.Data.Storage;

namespace Maintenance.Data.MarketData.PolygonRest;

/// <summary>
/// Polygon's REST API as a market-data source: the day aggregates in one grouped call; the minute bars one
/// ticker at a time (every ticker of that day's grouped aggregates, <see cref="PolygonRestOptions.MaxConcurrency"/>
/// requests on the wire, each ticker handed out as soon as its answer is complete, in no particular order).
/// </summary>
public sealed class PolygonRestSource(PolygonRestClient client, PolygonRestOptions options, TradingCalendar calendar, TimeProvider? time = null)
    : IMarketDataSource
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>A trading day that has begun in New York; whether Polygon has published it yet is only known by asking.</summary>
    public bool HasDailyBars(DateOnly day) => calendar.IsTradingDay(day) && day <= TodayInNewYork();

    public bool HasMinuteBars(DateOnly day) => HasDailyBars(day);

    public Task<DailyBarsResult> GetDailyBarsAsync(DateOnly day, CancellationToken cancellationToken = default) =>
        client.GetGroupedDailyAsync(day, cancellationToken);

    public async IAsyncEnumerable<TickerMinuteBars> ReadMinuteBarsAsync(
        DateOnly day,
        SkippedRows skipped,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var daily = await client.GetGroupedDailyAsync(day, cancellationToken);
        var symbols = daily.Bars.Select(b => b.Symbol).Order(StringComparer.Ordinal).ToArray();

        // Each ticker is handed on as soon as its answer is complete, so a slow or rate-limited ticker holds one
        // worker, never the others (in symbol order, one Retry-After stalled every request behind it).
        // The bounded channel makes the workers wait for a slow consumer instead of piling days up in memory.
        var done = Channel.CreateBounded<TickerMinuteBars>(new BoundedChannelOptions(Workers) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var fetching = FetchAllAsync(symbols, day, skipped, done.Writer, stop.Token);
        try
        {
            await foreach (var bars in done.Reader.ReadAllAsync(cancellationToken))
            {
                yield return bars;
            }

            // The channel ends when the workers stop, for good or for a ticker that failed after its retries.
            await fetching;
        }
        finally
        {
            await stop.CancelAsync();
            await fetching.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    public Task<Ticker?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default) =>
        client.GetTickerDetailsAsync(symbol, cancellationToken);

    public IAsyncEnumerable<TickerInfo> ListTickersAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default) =>
        client.ListTickersAsync(asOf, cancellationToken);

    // More tickers under way than the client has slots: a ticker waiting out a Retry-After or a backoff holds no slot,
    // so the others take it meanwhile (the client's limit, not this, bounds what is on the wire).
    private int Workers => Math.Max(1, options.MaxConcurrency) * 4;

    private async Task FetchAllAsync(string[] symbols, DateOnly day, SkippedRows skipped, ChannelWriter<TickerMinuteBars> done, CancellationToken cancellationToken)
    {
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(symbols, parallel, async (symbol, ct) =>
            {
                var bars = await client.GetMinuteBarsAsync(symbol, day, skipped, ct);
                if (bars.Bars.Length > 0)
                {
                    await done.WriteAsync(bars, ct);
                }
            });
        }
        finally
        {
            done.Complete();
        }
    }

    private DateOnly TodayInNewYork() =>
        TradingCalendar.NewYorkDate(_time.GetUtcNow());
}
