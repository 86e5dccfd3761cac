using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Data.Redis;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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

        long deleted = 0;
        foreach (var pattern in settings.EffectivePatterns)
        {
            var count = await redis.DeleteByPatternAsync(pattern, cancellationToken);
            metrics[DeletedMetric(pattern)] = count;
            deleted += count;
        }

        long remaining = 0;
        foreach (var pattern in settings.EffectivePatterns)
        {
            remaining += await redis.CountByPatternAsync(pattern, cancellationToken);
        }

        metrics["deleted"] = deleted;
        metrics["remaining"] = remaining;
        var patterns = string.Join(", ", settings.EffectivePatterns);
        if (remaining > settings.MaxRemainingKeys)
        {
            return StepResult.Done(new StepValidation(false, $"{remaining} keys still match [{patterns}] after deleting {deleted} (at most {settings.MaxRemainingKeys} allowed): something is still writing them"), metrics);
        }

        var session = ServedSession.For(calendar, command.TargetDate);
        var listeners = await redis.PublishNewTradingDayAsync(session);
        metrics["new_day_listeners"] = listeners;
        var announced = $"{RedisKeys.NewTradingDayChannel} {session.Iso()} published to {listeners} listeners";
        return deleted == 0
            ? StepResult.AlreadyDone($"no keys match [{patterns}]: nothing to clear; {announced}", metrics)
            : StepResult.Done(new StepValidation(true, $"{deleted} keys deleted by [{patterns}], {remaining} remain; {announced}"), metrics);
    }
}
