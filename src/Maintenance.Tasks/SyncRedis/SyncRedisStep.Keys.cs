using Maintenance.Data.Redis;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.SyncRedis;

// What Redis holds against what it should hold: the keyspace's metadata and average keys, and the comparison.
public sealed partial class SyncRedisStep
{
    /// <summary>
    /// Whether the last write vouches for the keyspace, so no SCAN is needed. Only this step writes metadata and
    /// average keys, it deletes its marker before it writes anything, and it records the marker only after a complete
    /// write that left exactly those keys: so while the marker is there (and the universe it wrote still has the members
    /// it counted), every metadata or average key belongs to a member of <c>ticker:universe</c>, and keys can only have
    /// gone since (expired or deleted), never come.
    /// </summary>
    private static bool LastWriteVouches(SyncMarker? done, RedisValue[] members) => done is not null && members.Length == done.MetadataKeys;

    /// <summary>
    /// The metadata and average keys in Redis: one SCAN per family, side by side, each matched by the server, so only
    /// those keys travel (a SCAN of every key sent the whole keyspace to be sorted here: the RVOL, ATR and scanner keys
    /// too). Each SCAN walks the keyspace on the server, which costs it far less than sending it.
    /// </summary>
    private async Task<CacheKeys> ScanCacheKeysAsync(CancellationToken ct)
    {
        var metadata = redis.ScanAsync(MetadataPrefix + "*", ct).ToListAsync(ct).AsTask();
        var averages = redis.ScanAsync(AvgVolumePrefix + "*", ct).ToListAsync(ct).AsTask();
        return new CacheKeys(await metadata, await averages);
    }

    /// <summary>
    /// Redis against what it should hold: the universe set, a metadata key for every active ticker and an average key for
    /// every ticker with averages, and keys that should not be there. The values themselves are compared by the marker's
    /// checksum.
    /// </summary>
    /// <param name="scanned">The keys a SCAN found, or null when the last write vouches for them (<see cref="LastWriteVouches"/>):
    /// then the stale keys are those of the universe's members no longer wanted (some may have expired already), and
    /// whether every wanted key is there is left to <see cref="WantedKeysExistAsync"/>.</param>
    private static Comparison Compare(List<Ticker> active, WantedCaches? wanted, CacheKeys? scanned, RedisValue[] members)
    {
        var activeSymbols = active.Select(t => t.Symbol).ToHashSet(StringComparer.Ordinal);
        var universeMatches = members.Length == active.Count && members.All(m => activeSymbols.Contains(m.ToString()));
        var keys = scanned ?? new CacheKeys(
            [.. members.Select(m => (RedisKey)RedisKeys.TickerMetadata(m.ToString()))],
            [.. members.Select(m => (RedisKey)RedisKeys.AvgVolume(m.ToString()))]);
        var stale = keys.Metadata.Where(key => !activeSymbols.Contains(SymbolOf(key))).ToList();
        if (wanted is not null)
        {
            stale.AddRange(keys.Averages.Where(key => !wanted.AveragedSymbols.Contains(SymbolOf(key))));
        }

        if (scanned is null)
        {
            return new Comparison(universeMatches, stale, Counted: false);
        }

        var complete = keys.Metadata.Count - stale.Count(k => k.ToString().StartsWith(MetadataPrefix, StringComparison.Ordinal)) == active.Count
            && (wanted is null || keys.Averages.Count - stale.Count(k => k.ToString().StartsWith(AvgVolumePrefix, StringComparison.Ordinal)) == wanted.AveragedSymbols.Count);
        return new Comparison(universeMatches && stale.Count == 0 && complete, stale, Counted: true);
    }

    /// <summary>Deletes the stale keys once they are known (a SCAN may still be under way).</summary>
    /// <returns>The stale keys and how many of them were deleted.</returns>
    private async Task<(List<RedisKey> Keys, long Deleted)> RemoveStaleKeysAsync(Task<Comparison> comparing)
    {
        var stale = (await comparing).StaleKeys;
        var deleted = await Task.WhenAll(stale.Chunk(1000).Select(chunk => redis.Database.KeyDeleteAsync(chunk)));
        return (stale, deleted.Sum());
    }

    /// <summary>Whether every active ticker's metadata key and every average key to be written is in Redis.</summary>
    private async Task<bool> WantedKeysExistAsync(List<Ticker> active, WantedCaches? wanted)
    {
        var metadata = CountExistingAsync(active.Select(t => (RedisKey)RedisKeys.TickerMetadata(t.Symbol)));
        var averages = wanted is null ? Task.FromResult(0L) : CountExistingAsync(wanted.AveragedSymbols.Select(s => (RedisKey)RedisKeys.AvgVolume(s)));
        return await metadata == active.Count && (wanted is null || await averages == wanted.AveragedSymbols.Count);
    }

    /// <summary>How many of <paramref name="keys"/> exist, by EXISTS over a few thousand keys at a time.</summary>
    private async Task<long> CountExistingAsync(IEnumerable<RedisKey> keys) =>
        (await Task.WhenAll(keys.Chunk(5000).Select(chunk => redis.Database.KeyExistsAsync(chunk)))).Sum();

    private static string SymbolOf(RedisKey key)
    {
        var text = key.ToString();
        return text[(text.LastIndexOf(':') + 1)..];
    }

    private sealed record CacheKeys(List<RedisKey> Metadata, List<RedisKey> Averages);

    /// <param name="Matches">Whether Redis holds what it should, as far as known: with <paramref name="Counted"/> false,
    /// the wanted keys' presence is still to be counted.</param>
    /// <param name="StaleKeys">The keys to delete; those found from the universe may be gone already.</param>
    /// <param name="Counted">Whether a SCAN counted the keys present.</param>
    private sealed record Comparison(bool Matches, List<RedisKey> StaleKeys, bool Counted);
}
