using System.Runtime.CompilerServices;
using Maintenance.Core;

namespace Maintenance.Data.MarketData;

/// <summary>
/// Polygon's REST API as a market-data source: the day aggregates in one grouped call; the minute bars one
/// ticker at a time (every ticker of that day's grouped aggregates, <see cref="PolygonRestOptions.MaxConcurrency"/>
/// requests in flight, handed out in symbol order).
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

        // Keep a window of requests running ahead of the consumer and hand the answers out in order;
        // the resilience handler's limiter bounds what is actually on the wire.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var window = Math.Max(1, options.MaxConcurrency * 2);
        var inFlight = new Queue<Task<TickerMinuteBars>>();
        var next = 0;
        try
        {
            while (next < symbols.Length || inFlight.Count > 0)
            {
                while (inFlight.Count < window && next < symbols.Length)
                {
                    inFlight.Enqueue(client.GetMinuteBarsAsync(symbols[next++], day, skipped, stop.Token));
                }

                var bars = await inFlight.Dequeue();
                if (bars.Bars.Length > 0)
                {
                    yield return bars;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var abandoned in inFlight)
            {
                await abandoned.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    public Task<TickerDetails?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default) =>
        client.GetTickerDetailsAsync(symbol, cancellationToken);

    public IAsyncEnumerable<TickerInfo> ListTickersAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default) =>
        client.ListTickersAsync(asOf, cancellationToken);

    private DateOnly TodayInNewYork() =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), TradingCalendar.NewYork).DateTime);
}
