using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Maintenance.Data.Redis;

// Finding and deleting keys by pattern: SCAN in pages and UNLINK per page, never KEYS, so a large keyspace never blocks the server.
public sealed partial class RedisStore
{
    /// <summary>Every key of the default database that matches <paramref name="pattern"/>, by SCAN in pages (never KEYS).</summary>
    public async IAsyncEnumerable<RedisKey> ScanAsync(string pattern, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        foreach (var server in redis.GetServers())
        {
            if (server.IsReplica || !server.IsConnected)
            {
                continue;
            }

            // database -1: the multiplexer's default database, the one Database writes to.
            await foreach (var key in server.KeysAsync(database: -1, pattern: pattern, pageSize: KeysPerUnlink).WithCancellation(ct))
            {
                yield return key;
            }
        }
    }

    /// <summary>How many keys of the default database match <paramref name="pattern"/>.</summary>
    public async Task<long> CountByPatternAsync(string pattern, CancellationToken ct = default)
    {
        long count = 0;
        await foreach (var _ in ScanAsync(pattern, ct))
        {
            count++;
        }

        return count;
    }

    /// <summary>Deletes every key of the default database that matches <paramref name="pattern"/>: SCAN in pages, UNLINK per page.</summary>
    /// <returns>How many keys were deleted.</returns>
    public async Task<long> DeleteByPatternAsync(string pattern, CancellationToken ct = default) =>
        await DeleteWhereAsync(pattern, _ => true, ct);

    /// <summary>Deletes the keys matching <paramref name="pattern"/> that <paramref name="stale"/> says are stale.</summary>
    /// <returns>How many keys were deleted.</returns>
    public async Task<long> DeleteWhereAsync(string pattern, Func<RedisKey, bool> stale, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stale);
        var db = Database;
        long deleted = 0;
        var page = new List<object>(KeysPerUnlink);
        await foreach (var key in ScanAsync(pattern, ct))
        {
            if (!stale(key))
            {
                continue;
            }

            page.Add(key);
            if (page.Count == KeysPerUnlink)
            {
                deleted += await UnlinkAsync(db, page);
                page.Clear();
            }
        }

        if (page.Count > 0)
        {
            deleted += await UnlinkAsync(db, page);
        }

        logger.LogInformation("Deleted {Keys} keys matching {Pattern}", deleted, pattern);
        return deleted;
    }

    private static async Task<long> UnlinkAsync(IDatabase db, List<object> keys) =>
        (long)await db.ExecuteAsync("UNLINK", [.. keys]);
}
