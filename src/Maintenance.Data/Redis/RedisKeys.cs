using System.Globalization;

namespace Maintenance.Data.Redis;

/// <summary>The Redis key contract of DESIGN.md, read by the scanners: keep these names.</summary>
public static class RedisKeys
{
    public const string AtrDaily = "atr:daily";
    public const string TickerUniverse = "ticker:universe";
    public const string LastRun = "maintenance:last_run";

    /// <summary>The status JSON lives a week.</summary>
    public static readonly TimeSpan StatusTtl = TimeSpan.FromDays(7);

    /// <summary>RVOL averages expire before the next day's run would use stale ones.</summary>
    public static readonly TimeSpan RvolTtl = TimeSpan.FromHours(14);

    public static string MaintenanceStatus(DateOnly date) => "maintenance:status:" + IsoDate(date);

    public static string Executed(DateOnly date) => "maintenance:executed:" + IsoDate(date);

    public static string RvolAverages(string symbol, int days) =>
        "rvol:hist:avg:" + symbol + ":" + days.ToString(CultureInfo.InvariantCulture);

    public static string TickerMetadata(string symbol) => "metadata:ticker:" + symbol;

    private static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
