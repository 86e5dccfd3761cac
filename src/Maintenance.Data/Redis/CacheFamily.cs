namespace Maintenance.Data.Redis;

/// <summary>A family of caches whose served session is recorded in <see cref="RedisKeys.ServedSessions"/>.</summary>
public enum CacheFamily
{
    /// <summary><c>atr:daily</c> and <c>atr:{SYMBOL}</c>.</summary>
    Atr,

    /// <summary><c>ticker:avg_volume:{SYMBOL}</c>.</summary>
    VolumeAverages,

    /// <summary><c>metadata:ticker:{SYMBOL}</c>.</summary>
    Metadata,
}
