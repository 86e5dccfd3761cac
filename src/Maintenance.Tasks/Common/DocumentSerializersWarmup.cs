using Maintenance.Data.Redis;
using Microsoft.Extensions.Hosting;

namespace Maintenance.Tasks.Common;

/// <summary>
/// Builds the serializers of the Redis documents (<see cref="DownstreamJson.Prepare"/>) while a worker starts, off the
/// steps' path: in a fresh worker, sync-redis otherwise built them while writing its first 10,000 documents (measured
/// in a first run: ~250 of the ~570 methods the step had compiled), calculate-atr its own. Nothing is read or written.
/// </summary>
internal sealed class DocumentSerializersWarmup(ILogger<DocumentSerializersWarmup> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(
        () =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            DownstreamJson.Prepare();
            logger.LogDebug("Redis document serializers built in {ElapsedMs} ms", (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        },
        stoppingToken);
}
