using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.SyncRedis;

// What Redis holds against what it should hold: the keyspace's metadata and average keys, and the comparison.
public sealed partial class SyncRedisStep
{
    /// <summary>The metadata and average keys in Redis, by one SCAN of the keyspace (a SCAN per pattern walks every key each time).</summary>
    private async Task<CacheKeys> ScanCacheKeysAsync(CancellationToken ct)
    {
        var keys = new CacheKeys([], []);
        await foreach (var key in redis.ScanAsync("*", ct))
        {
            var text = key.ToString();
            if (text.StartsWith(MetadataPrefix, StringComparison.Ordinal))
            {
                keys.Metadata.Add(key);
            }
            else if (text.StartsWith(AvgVolumePrefix, StringComparison.Ordinal))
            {
                keys.Averages.Add(key);
            }
        }

        return keys;
    }

    /// <summary>
    /// Redis against what it should hold: the universe set, a metadata key for every active ticker and an average key for
    /// every ticker with averages, and keys that should not be there. The values themselves are compared by the marker's
    /// checksum.
    /// </summary>
    private static Comparison Compare(List<Ticker> active, WantedCaches? wanted, CacheKeys keys, RedisValue[] members)
    {
        var activeSymbols = active.Select(t => t.Symbol).ToHashSet(StringComparer.Ordinal);
        var universeMatches = members.Length == active.Count && members.All(m => activeSymbols.Contains(m.ToString()));
        var stale = keys.Metadata.Where(key => !activeSymbols.Contains(SymbolOf(key))).ToList();
        if (wanted is not null)
        {
            stale.AddRange(keys.Averages.Where(key => !wanted.AveragedSymbols.Contains(SymbolOf(key))));
        }

        var complete = keys.Metadata.Count - stale.Count(k => k.ToString().StartsWith(MetadataPrefix, StringComparison.Ordinal)) == active.Count
            && (wanted is null || keys.Averages.Count - stale.Count(k => k.ToString().StartsWith(AvgVolumePrefix, StringComparison.Ordinal)) == wanted.AveragedSymbols.Count);
        return new Comparison(universeMatches && stale.Count == 0 && complete, stale);
    }

    private static string SymbolOf(RedisKey key)
    {
        var text = key.ToString();
        return text[(text.LastIndexOf(':') + 1)..];
    }

    private sealed record CacheKeys(List<RedisKey> Metadata, List<RedisKey> Averages);

    private sealed record Comparison(bool Matches, List<RedisKey> StaleKeys);
}
