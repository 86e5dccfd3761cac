using System.Globalization;
using System.Net;

namespace Maintenance.Benchmarks.Bench.Rest;

/// <summary>
/// The stand-in's own throughput, measured alone: a plain client fetches the day's grouped daily and every
/// minute-aggregates page at the services' concurrency. Measured twice: with the stand-in's trouble (the same 429s,
/// 503s and slow answers the services meet, by request number), and with it turned off.
/// </summary>
public static class RestFloor
{
    /// <summary>Both floors; the stand-in's trouble is left as it was found.</summary>
    public static async Task<(StandInTally WithTrouble, StandInTally WithoutTrouble)> MeasureAsync(PolygonStandIn standIn, DateOnly day, int concurrency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(standIn);
        var paths = await standIn.MinutePagesAsync(day);
        paths.Insert(0, string.Create(CultureInfo.InvariantCulture, $"/v2/aggs/grouped/locale/us/market/stocks/{day:yyyy-MM-dd}?adjusted=true"));
        var faults = standIn.Faults;
        try
        {
            var withTrouble = await FetchAllAsync(standIn, paths, concurrency, ct);
            standIn.Faults = StandInFaults.None;
            var withoutTrouble = await FetchAllAsync(standIn, paths, concurrency, ct);
            return (withTrouble, withoutTrouble);
        }
        finally
        {
            standIn.Faults = faults;
        }
    }

    /// <summary>
    /// Every path once, at most <paramref name="concurrency"/> requests on the wire: a 429 waits its Retry-After and a
    /// 503 is asked again, neither holding a slot while it waits (the least a client that loses nothing can take).
    /// </summary>
    private static async Task<StandInTally> FetchAllAsync(PolygonStandIn standIn, List<string> paths, int concurrency, CancellationToken ct)
    {
        standIn.Counters.Reset();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = standIn.BaseUrl };
        using var slots = new SemaphoreSlim(concurrency);
        await Task.WhenAll(paths.Select(path => Task.Run(() => FetchAsync(http, slots, path, ct), ct)));
        return standIn.Counters.Snapshot();
    }

    private static async Task FetchAsync(HttpClient http, SemaphoreSlim slots, string path, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? wait;
            await slots.WaitAsync(ct);
            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    _ = await response.Content.ReadAsByteArrayAsync(ct);
                    return;
                }

                wait = response.StatusCode switch
                {
                    HttpStatusCode.TooManyRequests => response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1),
                    HttpStatusCode.ServiceUnavailable => TimeSpan.Zero,
                    _ => null,
                };
                if (wait is null || attempt >= 10)
                {
                    throw new InvalidOperationException($"The stand-in answered {(int)response.StatusCode} to {path} (attempt {attempt}).");
                }
            }
            finally
            {
                slots.Release();
            }

            await Task.Delay(wait.Value, ct);
        }
    }
}
