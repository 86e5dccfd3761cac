// Longer than 250 lines: the one owner of Redis writes (its scans are in RedisStore.Scans.cs): atomic replacements, pipelining and TTLs in one place.
using System.Diagnostics;
using System.Text.Json;
using Maintenance.Core;
using Maintenance.Data.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Maintenance.Data.Redis;

/// <summary>
/// Writes the caches the scanners read. Replacing a hash or set is atomic for readers: the new content is written
/// to a temporary key, then renamed over the old one, so a reader sees either the old or the new content, never an
/// empty or half-written key. Commands are pipelined. Pattern deletes use SCAN and UNLINK, never KEYS.
/// Runs unchanged on redis-server and Garnet.
/// </summary>
/// <remarks>Uses the multiplexer's default database (<c>defaultDatabase=N</c> in the connection string).</remarks>
public sealed partial class RedisStore(IConnectionMultiplexer redis, ILogger<RedisStore> logger)
{
    /// <summary>The JSON of every value this store writes: snake_case names, as the scanners (Python, Node) read them.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    // A temporary key that its writer never renamed (the process died) expires by itself after this.
    private static readonly TimeSpan AbandonedTemporaryKeyLifetime = TimeSpan.FromHours(1);
    private const int FieldsPerCommand = 1024;
    private const int KeysPerUnlink = 1000;
    private const int HashesPerRound = 256;
    private const int StringsPerRound = 1000;

    public IDatabase Database => redis.GetDatabase();

    /// <summary>Replaces the hash at <paramref name="key"/> with exactly <paramref name="fields"/> (none: the key is deleted).</summary>
    public Task ReplaceHashAsync(RedisKey key, HashEntry[] fields, TimeSpan? ttl = null) =>
        ReplaceHashesAsync([new HashReplacement(key, fields)], ttl);

    /// <summary>
    /// Replaces many hashes, each atomically. They go in rounds of a few hundred: every temporary hash of a round is
    /// written (pipelined), and only when all those writes succeeded are they renamed over their keys (pipelined).
    /// Rounds keep the data in flight bounded, so a big batch never runs into the client's timeout.
    /// </summary>
    /// <returns>The number of hashes written (empty ones are deleted, not counted).</returns>
    public async Task<int> ReplaceHashesAsync(IEnumerable<HashReplacement> hashes, TimeSpan? ttl = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var started = Stopwatch.GetTimestamp();
        var db = Database;
        var written = 0;
        long fieldCount = 0;
        foreach (var round in hashes.Chunk(HashesPerRound))
        {
            ct.ThrowIfCancellationRequested();
            var renames = new List<(RedisKey Temporary, RedisKey Key)>(round.Length);
            var empties = new List<RedisKey>();
            var writes = new List<Task>();
            foreach (var hash in round)
            {
                if (hash.Fields.Length == 0)
                {
                    empties.Add(hash.Key);
                    continue;
                }

                var temporary = TemporaryKey();
                for (var offset = 0; offset < hash.Fields.Length; offset += FieldsPerCommand)
                {
                    var chunk = hash.Fields.AsSpan(offset, Math.Min(FieldsPerCommand, hash.Fields.Length - offset)).ToArray();
                    writes.Add(db.HashSetAsync(temporary, chunk));
                }

                writes.Add(db.KeyExpireAsync(temporary, ttl ?? AbandonedTemporaryKeyLifetime));
                renames.Add((temporary, hash.Key));
                fieldCount += hash.Fields.Length;
            }

            await CompleteOrAbandonAsync(db, writes, renames);
            await RenameAllAsync(db, renames, ttl);
            if (empties.Count > 0)
            {
                await db.KeyDeleteAsync([.. empties]);
            }

            written += renames.Count;
        }

        logger.LogDebug("Replaced {Hashes} hashes ({Fields} fields) in {ElapsedMs} ms",
            written, fieldCount, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return written;
    }

    /// <summary>Replaces the set at <paramref name="key"/> with exactly <paramref name="members"/> (none: the key is deleted).</summary>
    public async Task ReplaceSetAsync(RedisKey key, IEnumerable<RedisValue> members, TimeSpan? ttl = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        var db = Database;
        var temporary = TemporaryKey();
        var writes = new List<Task>();
        foreach (var chunk in members.Chunk(FieldsPerCommand))
        {
            writes.Add(db.SetAddAsync(temporary, chunk));
        }

        if (writes.Count == 0)
        {
            await db.KeyDeleteAsync(key);
            return;
        }

        writes.Add(db.KeyExpireAsync(temporary, ttl ?? AbandonedTemporaryKeyLifetime));
        List<(RedisKey, RedisKey)> renames = [(temporary, key)];
        await CompleteOrAbandonAsync(db, writes, renames);
        await RenameAllAsync(db, renames, ttl);
    }

    public Task SetJsonAsync<T>(RedisKey key, T value, TimeSpan? ttl = null) =>
        Database.StringSetAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, Json), ttl, When.Always);

    /// <returns>The value, or default when the key does not exist.</returns>
    /// <exception cref="JsonException">The key holds something that is not this JSON.</exception>
    public async Task<T?> GetJsonAsync<T>(RedisKey key)
    {
        var value = await Database.StringGetAsync(key);
        return value.IsNull ? default : JsonSerializer.Deserialize<T>((byte[])value!, Json);
    }

    /// <summary>
    /// <c>atr:daily</c>: symbol → <c>{"atr", "atr_percent", "updated": "yyyy-MM-dd"}</c> with <paramref name="session"/>
    /// (the session served, <see cref="Core.ServedSession.For"/>) for <paramref name="shard"/>'s symbols, with a fresh
    /// 24 h TTL on the hash. Field by field rather than a whole-hash swap, so shards write side by side: first every
    /// value (pipelined HSETs, each field is whole for a reader at any time), then the fields of this shard's symbols that
    /// the values no longer have are removed; the other shards' fields are not touched. A reader meanwhile sees each
    /// symbol's old or new value, told apart by <c>updated</c>.
    /// </summary>
    /// <returns>The fields of the shard's symbols the hash holds afterwards, and how many stale ones were removed.</returns>
    public async Task<(long Fields, long StaleRemoved)> WriteAtrDailyAsync(IReadOnlyCollection<AtrValue> values, DateOnly session, SymbolShard shard)
    {
        ArgumentNullException.ThrowIfNull(values);
        var db = Database;
        var writes = new List<Task>();
        foreach (var chunk in values.Chunk(FieldsPerCommand))
        {
            writes.Add(db.HashSetAsync(RedisKeys.AtrDaily, [.. chunk.Select(v => new HashEntry(v.Symbol, DownstreamJson.Serialize(new AtrDailyDocument(v.Atr, v.AtrPercent, session))))]));
        }

        await Task.WhenAll(writes);
        await db.KeyExpireAsync(RedisKeys.AtrDaily, RedisKeys.DailyCacheTtl);
        var wanted = values.Select(v => v.Symbol).ToHashSet(StringComparer.Ordinal);
        var stale = (await db.HashKeysAsync(RedisKeys.AtrDaily)).Where(f => shard.Contains(f.ToString()) && !wanted.Contains(f.ToString())).ToArray();
        long removed = 0;
        foreach (var chunk in stale.Chunk(FieldsPerCommand))
        {
            removed += await db.HashDeleteAsync(RedisKeys.AtrDaily, chunk);
        }

        var fields = (await db.HashKeysAsync(RedisKeys.AtrDaily)).Count(f => shard.Contains(f.ToString()));
        return (fields, removed);
    }

    /// <summary><c>atr:{SYMBOL}</c>: the ATR as a plain string (<c>"12.3456"</c>), 24 h TTL, pipelined.</summary>
    /// <returns>The number of keys written.</returns>
    public Task<int> SetAtrStringsAsync(IEnumerable<AtrValue> values, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        return SetStringsAsync(values.Select(v => (RedisKeys.Atr(v.Symbol), (RedisValue)DownstreamJson.AtrString(v.Atr))), RedisKeys.DailyCacheTtl, ct);
    }

    /// <summary><c>metadata:ticker:{SYMBOL}</c>: the platform's TickerMetadata JSON, no TTL, pipelined.</summary>
    /// <returns>The number of keys written.</returns>
    public Task<int> SetTickerMetadataAsync(IEnumerable<TickerMetadataDocument> documents, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return SetStringsAsync(documents.Select(d => (RedisKeys.TickerMetadata(d.Symbol), (RedisValue)DownstreamJson.Serialize(d))), ttl: null, ct);
    }

    /// <summary><c>ticker:avg_volume:{SYMBOL}</c>: <c>{"avg_volume_30d", "avg_volume_10d", "avg_volume_5d"}</c>, 24 h TTL, pipelined.</summary>
    /// <returns>The number of keys written.</returns>
    public Task<int> SetVolumeAveragesAsync(IEnumerable<VolumeAverage> averages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(averages);
        return SetStringsAsync(
            averages.Select(a => (RedisKeys.AvgVolume(a.Symbol), (RedisValue)DownstreamJson.Serialize(AvgVolumeDocument.From(a)))),
            RedisKeys.DailyCacheTtl,
            ct);
    }

    /// <summary>Publishes <c>trading:new_day</c> for <paramref name="session"/>, the session about to start.</summary>
    /// <returns>How many subscribers received it.</returns>
    public Task<long> PublishNewTradingDayAsync(DateOnly session) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.NewTradingDayChannel), DownstreamJson.NewTradingDay(session));

    /// <summary>Publishes <c>maintenance:completed</c> for the run of <paramref name="target"/>.</summary>
    /// <returns>How many subscribers received it.</returns>
    public Task<long> PublishMaintenanceCompletedAsync(DateOnly target, DateTimeOffset timestamp) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.MaintenanceCompletedChannel), DownstreamJson.MaintenanceCompleted(target, timestamp));

    /// <summary>The session <paramref name="family"/> currently serves, or null when none was recorded.</summary>
    public async Task<DateOnly?> GetServedSessionAsync(CacheFamily family)
    {
        var value = await Database.HashGetAsync(RedisKeys.ServedSessions, FieldOf(family));
        return DateOnly.TryParseExact((string?)value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
            ? date
            : null;
    }

    /// <summary>Records that <paramref name="family"/> now serves <paramref name="session"/>.</summary>
    public Task SetServedSessionAsync(CacheFamily family, DateOnly session) =>
        Database.HashSetAsync(RedisKeys.ServedSessions, FieldOf(family), PythonJson.Date(session));

    /// <summary>
    /// <c>rvol:hist:avg:{SYMBOL}:{days}</c>: slot → integer average, only slots whose average is above zero, TTL 14 h.
    /// </summary>
    /// <returns>The number of hashes written.</returns>
    public Task<int> ReplaceRvolAveragesAsync(IEnumerable<RvolAverages> averages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(averages);
        return ReplaceHashesAsync(averages.Select(ToHash), RedisKeys.RvolTtl, ct);

        static HashReplacement ToHash(RvolAverages a)
        {
            var fields = new List<HashEntry>(a.SlotAverages.Count);
            for (var slot = 0; slot < a.SlotAverages.Count; slot++)
            {
                if (a.SlotAverages[slot] > 0)
                {
                    fields.Add(new HashEntry(slot, a.SlotAverages[slot]));
                }
            }

            return new HashReplacement(RedisKeys.RvolAverages(a.Symbol, a.Days), [.. fields]);
        }
    }

    /// <summary><c>ticker:universe</c>: the set of active symbols, replaced as a whole.</summary>
    public Task ReplaceTickerUniverseAsync(IEnumerable<string> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        return ReplaceSetAsync(RedisKeys.TickerUniverse, symbols.Select(s => (RedisValue)s));
    }

    private static string FieldOf(CacheFamily family) => family switch
    {
        CacheFamily.Atr => "atr",
        CacheFamily.VolumeAverages => "volume_averages",
        CacheFamily.Metadata => "metadata",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, null),
    };

    /// <summary>Plain string keys, pipelined in rounds (each with the TTL, or none).</summary>
    private async Task<int> SetStringsAsync(IEnumerable<(string Key, RedisValue Value)> entries, TimeSpan? ttl, CancellationToken ct)
    {
        var db = Database;
        var written = 0;
        foreach (var round in entries.Chunk(StringsPerRound))
        {
            ct.ThrowIfCancellationRequested();
            await Task.WhenAll(round.Select(e => db.StringSetAsync(e.Key, e.Value, ttl, When.Always)));
            written += round.Length;
        }

        return written;
    }

    private static RedisKey TemporaryKey() => "tmp:replace:" + Guid.NewGuid().ToString("N");

    /// <summary>Waits for the temporary writes; when any failed, drops the temporaries and rethrows, touching no real key.</summary>
    private static async Task CompleteOrAbandonAsync(IDatabase db, List<Task> writes, List<(RedisKey Temporary, RedisKey Key)> renames)
    {
        try
        {
            await Task.WhenAll(writes);
        }
        catch
        {
            // Best effort: they expire by themselves anyway.
            db.KeyDelete([.. renames.Select(r => r.Temporary)], CommandFlags.FireAndForget);
            throw;
        }
    }

    private static async Task RenameAllAsync(IDatabase db, IReadOnlyCollection<(RedisKey Temporary, RedisKey Key)> renames, TimeSpan? ttl)
    {
        var steps = new List<Task>(renames.Count);
        foreach (var (temporary, key) in renames)
        {
            if (ttl.HasValue)
            {
                // RENAME carries the temporary's TTL over, which is already the wanted one.
                steps.Add(db.KeyRenameAsync(temporary, key));
            }
            else
            {
                // Without a TTL the temporary's safety expiry must go in the same step as the rename.
                var transaction = db.CreateTransaction();
                _ = transaction.KeyRenameAsync(temporary, key);
                _ = transaction.KeyPersistAsync(key);
                steps.Add(transaction.ExecuteAsync());
            }
        }

        await Task.WhenAll(steps);
    }
}
