using System.Globalization;
using System.Net;

namespace Maintenance.Benchmarks.Bench.Rest;

/// <summary>
/// The stand-in's own throughput, measured alone: a plain client fetches the day's grouped daily and every
/// minute-aggregates page at the services' concurrency, with the stand-in's trouble turned off.
/// </summary>
public static class RestFloor
{
    public static async Task<StandInTally> MeasureAsync(PolygonStandIn standIn, DateOnly day, int concurrency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(standIn);
        var paths = await standIn.MinutePagesAsync(day);
        paths.Insert(0, string.Create(CultureInfo.InvariantCulture, $"/v2/aggs/grouped/locale/us/market/stocks/{day:yyyy-MM-dd}?adjusted=true"));
        var faults = standIn.Faults;
        standIn.Faults = StandInFaults.None;
        standIn.Counters.Reset();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = standIn.BaseUrl };
            await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (path, token) =>
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead, token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"The stand-in answered {(int)response.StatusCode} to {path} with its trouble turned off.");
                }

                _ = await response.Content.ReadAsByteArrayAsync(token);
            });
            return standIn.Counters.Snapshot();
        }
        finally
        {
            standIn.Faults = faults;
        }
    }
}
