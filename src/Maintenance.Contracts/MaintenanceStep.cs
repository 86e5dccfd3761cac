namespace Maintenance.Contracts;

/// <summary>The eight tasks of a maintenance, in the order the saga runs them.</summary>
public enum MaintenanceStep
{
    ClearCaches,
    LoadOhlc,
    RecoverMissingTickers,
    LoadVolumeSlots,
    CalculateAtr,
    CalculateRvol,
    EnrichMetadata,
    SyncRedis,
}

/// <summary>Where a step stands in a run; the lower-case names are the Redis status contract.</summary>
public enum StepStatus
{
    Pending,
    Running,
    Success,
    Failed,
    Skipped,
}

public static class MaintenanceSteps
{
    public static IReadOnlyList<MaintenanceStep> InOrder { get; } = Enum.GetValues<MaintenanceStep>();

    /// <summary>Queue name of a step's consumer, kebab-case: <c>load-ohlc</c>.</summary>
    public static string QueueName(this MaintenanceStep step) => step switch
    {
        MaintenanceStep.ClearCaches => "clear-caches",
        MaintenanceStep.LoadOhlc => "load-ohlc",
        MaintenanceStep.RecoverMissingTickers => "recover-missing-tickers",
        MaintenanceStep.LoadVolumeSlots => "load-volume-slots",
        MaintenanceStep.CalculateAtr => "calculate-atr",
        MaintenanceStep.CalculateRvol => "calculate-rvol",
        MaintenanceStep.EnrichMetadata => "enrich-metadata",
        MaintenanceStep.SyncRedis => "sync-redis",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown maintenance step."),
    };

    /// <summary>Key of a step in the Redis status JSON, snake_case: <c>load_ohlc</c>.</summary>
    public static string StatusKey(this MaintenanceStep step) => step.QueueName().Replace('-', '_');

    public static bool TryParse(string text, out MaintenanceStep step)
    {
        foreach (var candidate in InOrder)
        {
            if (string.Equals(candidate.QueueName(), text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.StatusKey(), text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                step = candidate;
                return true;
            }
        }

        step = default;
        return false;
    }

    /// <summary>The step whose failure makes this one pointless, if any (DESIGN.md: ATR needs OHLC, ...).</summary>
    public static MaintenanceStep? DependsOn(this MaintenanceStep step) => step switch
    {
        MaintenanceStep.CalculateAtr => MaintenanceStep.LoadOhlc,
        MaintenanceStep.CalculateRvol => MaintenanceStep.LoadVolumeSlots,
        MaintenanceStep.SyncRedis => MaintenanceStep.EnrichMetadata,
        _ => null,
    };
}
