using System.Globalization;
using Maintenance.Data.Redis;
using StackExchange.Redis;

namespace Maintenance.Tasks.NotifyServices;

/// <summary>
/// The run's last step, for the platform's services that listen on Redis rather than on the bus: first checks that
/// every earlier step's output is still in Redis (a Redis restart mid-run loses it silently), against the figures those
/// steps reported (<see cref="RunMaintenanceStep.Expected"/>); then sets <c>maintenance:executed:{date}</c> to
/// <c>"1"</c> (7 days), moves <c>maintenance:last_run</c> forward (never back, on a backfill) and publishes
/// <c>{"event":"maintenance_completed","date","timestamp"}</c> on <c>maintenance:completed</c>. Output missing: the
/// step fails naming it and nothing is announced.
/// </summary>
public sealed class NotifyServicesStep(RedisStore redis, TimeProvider clock) : IStepService
{
    public static MaintenanceStep Kind => MaintenanceStep.NotifyServices;

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var expected = command.Expected ?? new Dictionary<string, double>();
        var metrics = new StepMetrics();
        var missing = new List<string>();
        foreach (var check in OutputChecks)
        {
            if (check.ExpectedFrom.Select(name => expected.TryGetValue(name, out var value) ? value : (double?)null).FirstOrDefault(v => v is not null) is not { } wanted || wanted <= 0)
            {
                continue;
            }

            var present = await check.CountAsync(redis, cancellationToken);
            metrics[check.Metric] = present;
            if (present < wanted)
            {
                missing.Add(string.Create(CultureInfo.InvariantCulture, $"{check.What} holds {present}, {check.Writer.QueueName()} wrote {wanted}"));
            }
        }

        if (missing.Count > 0)
        {
            return StepResult.Done(new StepValidation(false, "output missing, nothing announced: " + string.Join("; ", missing)), metrics);
        }

        var date = command.TargetDate.Iso();
        var db = redis.Database;
        await db.StringSetAsync(RedisKeys.Executed(command.TargetDate), "1", RedisKeys.StatusTtl);
        var latest = await db.StringGetAsync(RedisKeys.LastRun);
        if (latest.IsNullOrEmpty || string.CompareOrdinal(latest.ToString(), date) <= 0)
        {
            await db.StringSetAsync(RedisKeys.LastRun, date);
        }

        var listeners = await redis.PublishMaintenanceCompletedAsync(command.TargetDate, clock.GetUtcNow());
        metrics["listeners"] = listeners;
        return StepResult.Done(new StepValidation(true, $"output of every successful step present; {RedisKeys.MaintenanceCompletedChannel} published to {listeners} listeners"), metrics);
    }

    /// <summary>What each step leaves in Redis, and which of its figures says how much.</summary>
    private static readonly OutputCheck[] OutputChecks =
    [
        new(MaintenanceStep.CalculateAtr, RedisKeys.AtrDaily, "atr_daily_fields", ["calculate-atr.redis_fields"], (r, _) => r.Database.HashLengthAsync(RedisKeys.AtrDaily)),
        new(MaintenanceStep.CalculateRvol, RedisKeys.RvolAveragesPattern, "rvol_keys", ["calculate-rvol.keys_present", "calculate-rvol.keys"], (r, ct) => r.CountByPatternAsync(RedisKeys.RvolAveragesPattern, ct)),
        new(MaintenanceStep.SyncRedis, RedisKeys.TickerMetadataPattern, "metadata_keys", ["sync-redis.metadata_keys_in_redis", "sync-redis.metadata_keys"], (r, ct) => r.CountByPatternAsync(RedisKeys.TickerMetadataPattern, ct)),
        new(MaintenanceStep.SyncRedis, RedisKeys.TickerUniverse, "universe", ["sync-redis.universe"], (r, _) => r.Database.SetLengthAsync(RedisKeys.TickerUniverse)),
    ];

    private sealed record OutputCheck(MaintenanceStep Writer, string What, string Metric, string[] ExpectedFrom, Func<RedisStore, CancellationToken, Task<long>> CountAsync);
}
