using Maintenance.Contracts;

namespace Maintenance.Host.Bench;

/// <summary>How much work a step did, read from the figures it reported, in the unit its floor is counted in.</summary>
public static class StepWork
{
    public static string Unit(MaintenanceStep step) => step switch
    {
        MaintenanceStep.ClearCaches => "keys",
        MaintenanceStep.LoadOhlc => "rows",
        MaintenanceStep.RecoverMissingTickers => "tickers",
        MaintenanceStep.LoadVolumeSlots => "rows",
        MaintenanceStep.CalculateAtr => "fields",
        MaintenanceStep.CalculateRvol => "keys",
        MaintenanceStep.EnrichMetadata => "tickers",
        MaintenanceStep.SyncRedis => "keys",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown maintenance step."),
    };

    /// <summary>
    /// Rows written (target day plus the history days loaded), tickers added, ATR values or RVOL hashes written; null
    /// when the figures are missing (the step failed before reporting).
    /// </summary>
    public static double? Units(MaintenanceStep step, IReadOnlyDictionary<string, double>? metrics)
    {
        if (metrics is null)
        {
            return null;
        }

        double? Get(string name) => metrics.TryGetValue(name, out var value) ? value : null;
        return step switch
        {
            MaintenanceStep.ClearCaches => Get("deleted"),
            MaintenanceStep.LoadOhlc or MaintenanceStep.LoadVolumeSlots => Get("rows") is { } rows ? rows + (Get("history_rows") ?? 0) : null,
            MaintenanceStep.RecoverMissingTickers => (Get("added") ?? 0) + (Get("reactivated") ?? 0) + (Get("deactivated") ?? 0),
            MaintenanceStep.CalculateAtr => Get("computed"),
            MaintenanceStep.CalculateRvol => Get("keys"),
            MaintenanceStep.EnrichMetadata => Get("due"),
            MaintenanceStep.SyncRedis => Get("metadata_written") ?? Get("metadata_keys"),
            _ => null,
        };
    }
}
