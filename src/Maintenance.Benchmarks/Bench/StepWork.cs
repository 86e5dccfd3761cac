namespace Maintenance.Benchmarks.Bench;

/// <summary>How much work a step did, read from the figures it reported, in the unit its floor is counted in.</summary>
public static class StepWork
{
    public static string Unit(string step) => step switch
    {
        "clear-caches" => "keys",
        "load-ohlc" => "rows",
        "recover-missing-tickers" => "tickers",
        "load-volume-slots" => "rows",
        "calculate-atr" => "fields",
        "calculate-rvol" => "keys",
        "enrich-metadata" => "tickers",
        "sync-redis" => "keys",
        _ => "",
    };

    /// <summary>
    /// Rows written (target day plus the history days loaded), tickers added, ATR values or RVOL hashes written; null
    /// when the figures are missing (the step failed before reporting).
    /// </summary>
    public static double? Units(string step, IReadOnlyDictionary<string, double>? metrics)
    {
        if (metrics is null)
        {
            return null;
        }

        double? Get(string name) => metrics.TryGetValue(name, out var value) ? value : null;
        return step switch
        {
            "clear-caches" => Get("deleted"),
            "load-ohlc" or "load-volume-slots" => Get("rows") is { } rows ? rows + (Get("history_rows") ?? 0) : null,
            "recover-missing-tickers" => (Get("added") ?? 0) + (Get("reactivated") ?? 0) + (Get("deactivated") ?? 0),
            "calculate-atr" => Get("computed"),
            "calculate-rvol" => Get("keys"),
            "enrich-metadata" => Get("due"),
            "sync-redis" => Get("metadata_written") ?? Get("metadata_keys"),
            _ => null,
        };
    }
}
