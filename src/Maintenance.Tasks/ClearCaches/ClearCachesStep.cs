using Maintenance.Data.Redis;
using StackExchange.Redis;

namespace Maintenance.Tasks.ClearCaches;

/// <summary>
/// Deletes the previous session's real-time keys, written by the scanners, by the configured patterns
/// (Tasks:ClearCaches:Patterns; docs/DESIGN.md's defaults) with SCAN + UNLINK, never KEYS; reports the keys deleted per
/// pattern, then scans again and passes when at most MaxRemainingKeys still match. Nothing to delete: skipped. Once
/// the keys are gone it publishes <c>{"event":"new_trading_day","action":"clear_caches","date"}</c> on
/// <c>trading:new_day</c> (the date: the session about to start), on which the websocket server drops its in-memory
/// snapshots — also when there was nothing to delete in Redis, since those snapshots are the server's own.
/// During the market session (<see cref="MarketSession"/>) the scanners are filling those keys: skipped with the reason
/// "market session in progress" (and nothing published) unless the start said ForceClearCaches.
/// </summary>
public sealed class ClearCachesStep(
    RedisStore redis,
    IOptions<ClearCachesOptions> options,
    TimeProvider clock,
    TradingCalendar calendar,
    ILogger<ClearCachesStep> log)
    : IStepService
{
    private const int KeysPerUnlink = 1000;

    public static MaintenanceStep Kind => MaintenanceStep.ClearCaches;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<ClearCachesOptions>(services, configuration, ClearCachesOptions.Section, o => o.Problem());
    }

    /// <summary>The metric name of a pattern's count: <c>deleted.scanner:category:*</c>.</summary>
    public static string DeletedMetric(string pattern) => "deleted." + pattern;

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var settings = options.Value;
        var metrics = new StepMetrics();
        if (!command.ForceClearCaches && MarketSession.IsInProgress(clock.GetUtcNow(), calendar))
        {
            log.LogWarning("Run {RunId}: clear-caches skipped, {Reason} (a start with ForceClearCaches clears anyway)", command.RunId, MarketSession.InProgressReason);
            metrics["deleted"] = 0;
            return StepResult.AlreadyDone(MarketSession.InProgressReason + ": the real-time keys are live, nothing was deleted (ForceClearCaches overrides)", metrics);
        }

        var patterns = settings.EffectivePatterns;
        var perPattern = await DeleteMatchingAsync(patterns, cancellationToken);
        long deleted = 0;
        for (var i = 0; i < patterns.Length; i++)
        {
            metrics[DeletedMetric(patterns[i])] = perPattern[i];
            deleted += perPattern[i];
        }

        // The pass that found nothing to delete has just seen that nothing matches; only after deleting is a second look
        // needed (a scanner still writing).
        var remaining = deleted == 0 ? 0 : await CountMatchingAsync(patterns, cancellationToken);
        metrics["deleted"] = deleted;
        metrics["remaining"] = remaining;
        var patternList = string.Join(", ", patterns);
        if (remaining > settings.MaxRemainingKeys)
        {
            return StepResult.Done(new StepValidation(false, $"{remaining} keys still match [{patternList}] after deleting {deleted} (at most {settings.MaxRemainingKeys} allowed): something is still writing them"), metrics);
        }

        var session = ServedSession.For(calendar, command.TargetDate);
        var listeners = await redis.PublishNewTradingDayAsync(session);
        metrics["new_day_listeners"] = listeners;
        var announced = $"{RedisKeys.NewTradingDayChannel} {session.Iso()} published to {listeners} listeners";
        return deleted == 0
            ? StepResult.AlreadyDone($"no keys match [{patternList}]: nothing to clear; {announced}", metrics)
            : StepResult.Done(new StepValidation(true, $"{deleted} keys deleted by [{patternList}], {remaining} remain; {announced}"), metrics);
    }

    /// <summary>
    /// One SCAN of the keyspace for all the patterns (a SCAN per pattern walks every key each time: with the indicator
    /// keys that is tens of thousands of keys per pattern for nothing), UNLINK per page of matches.
    /// </summary>
    /// <returns>The keys unlinked, per pattern (a key counts for the first pattern it matches).</returns>
    private async Task<long[]> DeleteMatchingAsync(string[] patterns, CancellationToken ct)
    {
        var deleted = new long[patterns.Length];
        var page = new List<(RedisKey Key, int Pattern)>(KeysPerUnlink);
        await foreach (var key in redis.ScanAsync("*", ct))
        {
            var pattern = KeyPattern.FirstMatch(patterns, key.ToString());
            if (pattern >= 0)
            {
                page.Add((key, pattern));
                if (page.Count == KeysPerUnlink)
                {
                    await UnlinkAsync(page, deleted);
                }
            }
        }

        await UnlinkAsync(page, deleted);
        return deleted;
    }

    private async Task UnlinkAsync(List<(RedisKey Key, int Pattern)> page, long[] deleted)
    {
        if (page.Count == 0)
        {
            return;
        }

        await redis.Database.ExecuteAsync("UNLINK", [.. page.Select(p => (object)p.Key)]);
        foreach (var (_, pattern) in page)
        {
            deleted[pattern]++;
        }

        page.Clear();
    }

    private async Task<long> CountMatchingAsync(string[] patterns, CancellationToken ct)
    {
        long count = 0;
        await foreach (var key in redis.ScanAsync("*", ct))
        {
            if (KeyPattern.FirstMatch(patterns, key.ToString()) >= 0)
            {
                count++;
            }
        }

        return count;
    }
}
