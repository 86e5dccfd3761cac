using System.Diagnostics;
using Maintenance.Data.Redis;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.SyncRedis;

/// <summary>
/// Copies the active universe from the database to Redis, in the shapes the platform's services read
/// (docs/downstream-contract.md): <c>ticker:universe</c> (the set of active symbols, replaced atomically),
/// <c>metadata:ticker:{SYMBOL}</c> (the whole TickerMetadata model: the ticker's row and its volume and price
/// averages over the last 30 sessions of daily bars up to the target) and <c>ticker:avg_volume:{SYMBOL}</c> (24 h).
/// Keys of tickers no longer active (or without averages) are removed: found from the universe the last complete write
/// left, or by a SCAN of the keyspace when no marker vouches for it. Never back to an older session: when the
/// metadata already serves a later session than the target's (a backfill of an older date), only the universe is
/// synced. Afterwards it checks by counts (the set's size, one EXISTS over the metadata keys, the stale keys gone) and
/// records a checksum of every key and value it wrote (<see cref="MarkerKey"/>). When Redis already holds the right keys
/// and the checksum of what should be there equals the recorded one, the step skips, unless <c>Force</c>.
/// </summary>
public sealed partial class SyncRedisStep(
    IMarketStore store,
    RedisStore redis,
    TradingCalendar calendar,
    ILogger<SyncRedisStep> logger)
    : IStepService
{
    public const string MetadataPattern = RedisKeys.TickerMetadataPattern;
    public const string AvgVolumePattern = "ticker:avg_volume:*";

    /// <summary>What the last complete write held (JSON <see cref="SyncMarker"/>): a re-run compares checksums, not every key.</summary>
    public const string MarkerKey = "maintenance:sync_redis";

    private const string MetadataPrefix = "metadata:ticker:";
    private const string AvgVolumePrefix = "ticker:avg_volume:";
    private const int KeysPerRound = 1000;

    public static MaintenanceStep Kind => MaintenanceStep.SyncRedis;

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var session = ServedSession.For(calendar, command.TargetDate);
        var served = await redis.GetServedSessionAsync(CacheFamily.Metadata);
        var ownsCaches = ServedSession.MayReplace(served, session);

        // The tickers, the bars' averages and Redis's keys are read side by side: each is a wait on another server.
        var started = Stopwatch.GetTimestamp();
        var reading = Timed(ReadTickersAsync(cancellationToken), started);
        var averaging = Timed(ownsCaches ? AveragesAsync(command.TargetDate, cancellationToken) : Task.FromResult<Dictionary<string, VolumeAverage>?>(null), started);
        var universeRead = redis.Database.SetMembersAsync(RedisKeys.TickerUniverse);
        var markerRead = redis.GetJsonAsync<SyncMarker>(MarkerKey);
        var (members, done) = (await universeRead, await markerRead);
        var scanning = LastWriteVouches(done, members) ? null : Timed(ScanCacheKeysAsync(cancellationToken), started);
        await Task.WhenAll(reading, averaging);
        logger.LogInformation("sync-redis read in {ElapsedMs} ms: tickers {TickersMs} ms, daily-bar averages {AveragesMs} ms, keyspace {Keyspace}",
            Milliseconds(started), reading.Result.Ms, averaging.Result.Ms, scanning is null ? "vouched for by the last write's marker" : "scanned meanwhile");
        var active = (await reading).Value;
        if (active.Count == 0)
        {
            return StepResult.Done(new StepValidation(false, "no active tickers in the database: refusing to empty ticker:universe"), new StepMetrics());
        }

        var wanted = (await averaging).Value is { } averages ? new WantedCaches(active, averages) : null;
        var preparing = Stopwatch.GetTimestamp();
        List<CacheRound>? serialized = null;
        async Task<Comparison> CompareAsync() => Compare(active, wanted, scanning is null ? null : (await scanning).Value, members);
        Comparison? before = null;
        if (!command.Force && (wanted is null || done?.Session == session))
        {
            // Perhaps nothing to do: the keys, then the checksum of what should be there decide, before anything is written.
            before = await CompareAsync();
            serialized = before.Matches ? wanted?.Rounds(KeysPerRound).ToList() : null;
            if (before.Matches && (wanted is null || done!.Checksum == wanted.Checksum) && (before.Counted || await WantedKeysExistAsync(active, wanted)))
            {
                var metrics = new StepMetrics
                {
                    ["universe"] = active.Count,
                    ["metadata_keys"] = active.Count,
                    ["avg_volume_keys"] = wanted?.AveragedSymbols.Count ?? 0,
                    ["keyspace_scanned"] = before.Counted ? 1 : 0,
                };
                var what = ownsCaches ? $"every metadata:ticker and ticker:avg_volume key of session {session.Iso()} (checksum of their values as last written)" : "metadata of the later session " + served?.Iso();
                return StepResult.AlreadyDone($"Redis already holds the {active.Count} active tickers: ticker:universe and {what} match", metrics);
            }
        }

        // Written again from here on: a marker that outlived a half-finished write must not make the next run skip.
        await redis.Database.KeyDeleteAsync(MarkerKey);

        // The set, the documents, the averages and the stale keys are all independent writes: in flight together. The
        // documents go out round by round as they are serialized, unless they already were for the checksum. A SCAN
        // still under way goes on beside the writes: the keys written now are wanted ones, never taken for stale.
        var replacing = redis.ReplaceTickerUniverseAsync(active.Select(t => t.Symbol));
        var comparing = before is null ? CompareAsync() : Task.FromResult(before);
        var removing = RemoveStaleKeysAsync(comparing);
        var (written, averagesWritten) = wanted is null ? (0L, 0L) : await WriteAsync(serialized ?? wanted.Rounds(KeysPerRound), cancellationToken);
        await Task.WhenAll(replacing, removing);
        var (staleKeys, stale) = await removing;
        if (wanted is not null)
        {
            await Task.WhenAll(redis.SetServedSessionAsync(CacheFamily.Metadata, session), redis.SetServedSessionAsync(CacheFamily.VolumeAverages, session));
        }
        else
        {
            logger.LogWarning("metadata:ticker serves the later session {Served}: only ticker:universe is synced for {Target}", served?.Iso(), command.TargetDate.Iso());
        }

        var writeMs = Milliseconds(preparing);

        // Counts, not a re-read of every key just written: the set is swapped in whole, each SET was acknowledged, the
        // stale keys are gone, and one EXISTS counts the active symbols' metadata keys.
        var checking = Stopwatch.GetTimestamp();
        var counting = redis.Database.SetLengthAsync(RedisKeys.TickerUniverse);
        var staleLeft = CountExistingAsync(staleKeys);
        var metadataKeys = await CountExistingAsync(active.Select(t => (RedisKey)RedisKeys.TickerMetadata(t.Symbol)));
        var universe = await counting;
        logger.LogInformation("sync-redis serialized and wrote in {WriteMs} ms ({Rounds}, keyspace {Keyspace}), counted in {CheckMs} ms",
            writeMs, serialized is null ? "each round sent as serialized" : "serialized whole for the checksum first",
            scanning is null ? "not scanned" : $"scanned in {scanning.Result.Ms} ms", Milliseconds(checking));

        var holds = universe == active.Count && await staleLeft == 0
            && (wanted is null || (written == active.Count && metadataKeys == active.Count && averagesWritten == wanted.AveragedSymbols.Count));
        if (holds && wanted is not null)
        {
            await redis.SetJsonAsync(MarkerKey, new SyncMarker(session, wanted.Checksum, active.Count, wanted.AveragedSymbols.Count), RedisKeys.StatusTtl);
        }

        var result = new StepMetrics
        {
            ["universe"] = active.Count,
            ["metadata_written"] = written,
            ["avg_volume_written"] = averagesWritten,
            ["stale_keys_removed"] = stale,
            ["keyspace_scanned"] = scanning is null ? 0 : 1,
            ["universe_in_redis"] = universe,
            ["metadata_keys_in_redis"] = metadataKeys,
        };

        var caches = wanted is null
            ? $"metadata left to the later session {served?.Iso()}"
            : $"{written} metadata:ticker and {averagesWritten} ticker:avg_volume keys of session {session.Iso()} written";
        var verdict = holds
            ? $"ticker:universe holds the {active.Count} active symbols; {caches} ({stale} stale keys removed)"
            : $"written: ticker:universe has {universe} members, {written} metadata and {averagesWritten} average keys were written for {active.Count} active tickers ({metadataKeys} metadata keys present), {stale} stale keys removed and {await staleLeft} left";
        return StepResult.Done(new StepValidation(holds, verdict), result);
    }

    /// <summary>
    /// The rounds' SETs, pipelined: a round goes out as soon as it is serialized, and the next one is serialized while
    /// Redis takes it (two rounds in flight at most, so the data in flight never runs into the client's timeout).
    /// </summary>
    /// <returns>How many metadata and average SETs Redis acknowledged.</returns>
    private async Task<(long Metadata, long Averages)> WriteAsync(IEnumerable<CacheRound> rounds, CancellationToken ct)
    {
        long metadata = 0, averages = 0;
        Task<(long Metadata, long Averages)>? previous = null;
        foreach (var round in rounds)
        {
            ct.ThrowIfCancellationRequested();
            var sending = SendAsync(round);
            if (previous is not null)
            {
                var (m, a) = await previous;
                (metadata, averages) = (metadata + m, averages + a);
            }

            previous = sending;
        }

        if (previous is not null)
        {
            var (m, a) = await previous;
            (metadata, averages) = (metadata + m, averages + a);
        }

        return (metadata, averages);
    }

    private async Task<(long Metadata, long Averages)> SendAsync(CacheRound round)
    {
        var db = redis.Database;
        // The metadata keys have no TTL, so one MSET takes the round's: a SET per key cost the client about four times
        // the CPU (11,000 keys: 125 ms against 31 ms). The averages' 24 h TTL needs a SET each.
        var metadata = db.StringSetAsync([.. round.Metadata]);
        var averages = round.Averages.Select(e => db.StringSetAsync(e.Key, e.Value, RedisKeys.DailyCacheTtl, When.Always)).ToList();
        await Task.WhenAll(averages.Append(metadata));
        return (await metadata ? round.Metadata.Count : 0, averages.Count(t => t.Result));
    }

    private static async Task<(T Value, long Ms)> Timed<T>(Task<T> task, long started)
    {
        var value = await task;
        return (value, Milliseconds(started));
    }

    private static long Milliseconds(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private async Task<List<Ticker>> ReadTickersAsync(CancellationToken ct)
    {
        var active = new List<Ticker>();
        await foreach (var ticker in store.ReadTickersAsync(activeOnly: true, ct))
        {
            active.Add(ticker);
        }

        return active;
    }

    /// <summary>Every symbol's volume and price averages over the last sessions up to the target (filtered to the active ones later).</summary>
    private async Task<Dictionary<string, VolumeAverage>?> AveragesAsync(DateOnly target, CancellationToken ct)
    {
        var sessions = TradingWindow.EndingAt(calendar, target, VolumeAverages.LongWindow);
        var averages = new Dictionary<string, VolumeAverage>(StringComparer.Ordinal);
        foreach (var (symbol, bars) in await store.ReadVolumesAndClosesAsync(sessions, ct))
        {
            if (VolumeAverages.FromSessions(symbol, bars) is { } average)
            {
                averages[symbol] = average;
            }
        }

        return averages;
    }
}
