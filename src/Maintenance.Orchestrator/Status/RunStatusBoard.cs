using System.Text.Json;
using System.Text.Json.Serialization;
using Maintenance.Data.Redis;
using StackExchange.Redis;

namespace Maintenance.Orchestrator.Status;

/// <summary>
/// Writes the scanners' view of a run to Redis on every transition: <c>maintenance:status:{date}</c> (7 days) and, on
/// full success, <c>maintenance:last_run</c> and <c>maintenance:executed:{date}</c>. Redis is a projection: when it
/// is down the transition still commits (the database keeps the history) and the failure is logged.
/// </summary>
public sealed class RunStatusBoard(IServiceProvider services, ILogger<RunStatusBoard> log)
{
    /// <summary>A transition waits this long for a connected but unresponsive Redis at most.</summary>
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string StatusKey(DateOnly date) => RedisKeys.MaintenanceStatus(date);

    public async Task WriteAsync(MaintenanceRun run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            var redis = services.GetService<IConnectionMultiplexer>();
            if (redis is null)
            {
                log.LogWarning("No Redis connection is registered; the status of run {RunId} is kept in the database only", run.CorrelationId);
                return;
            }

            if (!redis.IsConnected)
            {
                // Known to be down: do not hold the run's transaction for the client's reconnect backlog.
                log.LogWarning("Redis is not connected; the status of run {RunId} for {TargetDate} ({State}) is kept in the database only", run.CorrelationId, run.TargetDate, run.CurrentState);
                return;
            }

            await WriteToAsync(redis.GetDatabase(), run).WaitAsync(WriteTimeout, ct);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            log.LogWarning(e, "Could not write the Redis status of run {RunId} for {TargetDate}; the database has it", run.CorrelationId, run.TargetDate);
        }
    }

    private static async Task WriteToAsync(IDatabase redis, MaintenanceRun run)
    {
        var document = RunStatusDocument.Of(run);
        await redis.StringSetAsync(StatusKey(run.TargetDate), JsonSerializer.Serialize(document, Json), RedisKeys.StatusTtl);
    }
}
