using System.Globalization;

namespace Maintenance.Data.Redis;

/// <summary>
/// The Redis key and channel contract (docs/downstream-contract.md), read by the platform's services with their own
/// code: keep these names.
/// </summary>
public static class RedisKeys
{
    public const string AtrDaily = "atr:daily";
    public const string TickerUniverse = "ticker:universe";
    public const string LastRun = "maintenance:last_run";

    /// <summary>
    /// The maintenance's own record of the session each cache family serves (field → <c>yyyy-MM-dd</c>), so a backfill
    /// of an older date never puts older values back (<see cref="Core.ServedSession.MayReplace"/>). Read by nobody else.
    /// </summary>
    public const string ServedSessions = "maintenance:served_sessions";

    /// <summary>Pub/sub: a new session starts, real-time caches were cleared (the websocket server listens).</summary>
    public const string NewTradingDayChannel = "trading:new_day";

    /// <summary>Pub/sub: a run ended with usable data.</summary>
    public const string MaintenanceCompletedChannel = "maintenance:completed";

    /// <summary>The Python service's TTL of the daily caches: a day, so yesterday's values never outlive a missed run by long.</summary>
    public static readonly TimeSpan DailyCacheTtl = TimeSpan.FromHours(24);

    public const string RvolAveragesPattern = "rvol:hist:avg:*";

    public const string TickerMetadataPattern = "metadata:ticker:*";

    /// <summary>The status JSON lives a week.</summary>
    public static readonly TimeSpan StatusTtl = TimeSpan.FromDays(7);

    /// <summary>RVOL averages expire before the next day's run would use stale ones.</summary>
    public static readonly TimeSpan RvolTtl = TimeSpan.FromHours(14);

    public static string MaintenanceStatus(DateOnly date) => "maintenance:status:" + IsoDate(date);

    public static string Executed(DateOnly date) => "maintenance:executed:" + IsoDate(date);

    public static string RvolAverages(string symbol, int days) =>
        "rvol:hist:avg:" + symbol + ":" + days.ToString(CultureInfo.InvariantCulture);

    public static string TickerMetadata(string symbol) => "metadata:ticker:" + symbol;

    public static string AvgVolume(string symbol) => "ticker:avg_volume:" + symbol;

    /// <summary>The v2 orchestrator's per-symbol ATR, the head readers' fallback.</summary>
    public static string Atr(string symbol) => "atr:" + symbol;

    private static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
