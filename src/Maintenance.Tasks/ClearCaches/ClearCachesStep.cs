using Maintenance.Contracts;
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
/// pattern, then scans again and passes when at most MaxRemainingKeys still match. Nothing to delete: skipped.
/// </summary>
public sealed class ClearCachesStep(
    RedisStore redis,
    IOptions<ClearCachesOptions> options)
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
        var settings = options.Value;
        var metrics = new StepMetrics();
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

        return deleted == 0
            ? StepResult.AlreadyDone($"no keys match [{patterns}]: nothing to clear", metrics)
            : StepResult.Done(new StepValidation(true, $"{deleted} keys deleted by [{patterns}], {remaining} remain"), metrics);
    }
}
