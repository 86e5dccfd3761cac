using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Data.Redis;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.SyncRedis;

/// <summary>
/// Copies the active universe from the database to Redis, in the shapes the platform's services read
/// (docs/downstream-contract.md): <c>ticker:universe</c> (the set of active symbols, replaced atomically),
/// <c>metadata:ticker:{SYMBOL}</c> (the whole TickerMetadata model: the ticker's row and its volume and price
/// averages over the last 30 sessions of daily bars up to the target) and <c>ticker:avg_volume:{SYMBOL}</c> (24 h).
/// Keys of tickers no longer active (or without averages) are removed. Never back to an older session: when the
/// metadata already serves a later session than the target's (a backfill of an older date), only the universe is
/// synced. Afterwards it reads Redis back and checks every key against what it meant to write. When Redis already
/// holds exactly that, the step skips, unless <c>Force</c>.
/// </summary>
public sealed class SyncRedisStep(
    IMarketStore store,
    RedisStore redis,
    TradingCalendar calendar,
    ILogger<SyncRedisStep> logger)
    : IStepService
{
    public const string MetadataPattern = RedisKeys.TickerMetadataPattern;
    public const string AvgVolumePattern = "ticker:avg_volume:*";

    public static MaintenanceStep Kind => MaintenanceStep.SyncRedis;

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var active = new List<Ticker>();
        await foreach (var ticker in store.ReadTickersAsync(activeOnly: true, cancellationToken))
        {
            active.Add(ticker);
        }

        if (active.Count == 0)
        {
            return StepResult.Done(new StepValidation(false, "no active tickers in the database: refusing to empty ticker:universe"), new StepMetrics());
        }

        var session = ServedSession.For(calendar, command.TargetDate);
        var served = await redis.GetServedSessionAsync(CacheFamily.Metadata);
        var ownsCaches = ServedSession.MayReplace(served, session);
        var wanted = ownsCaches ? await WantedAsync(active, command.TargetDate, cancellationToken) : null;
        var before = await CompareAsync(active, wanted, cancellationToken);
        if (!command.Force && before.Matches)
        {
            var metrics = new StepMetrics { ["universe"] = active.Count, ["metadata_keys"] = active.Count, ["avg_volume_keys"] = wanted?.Averages.Count ?? 0 };
            var what = ownsCaches ? $"every metadata:ticker and ticker:avg_volume key of session {session.Iso()}" : "metadata of the later session " + served?.Iso();
            return StepResult.AlreadyDone($"Redis already holds the {active.Count} active tickers: ticker:universe and {what} match", metrics);
        }

        await redis.ReplaceTickerUniverseAsync(active.Select(t => t.Symbol));
        long written = 0, averagesWritten = 0;
        if (wanted is not null)
        {
            written = await redis.SetTickerMetadataAsync(wanted.Metadata.Values, cancellationToken);
            averagesWritten = await redis.SetVolumeAveragesAsync(wanted.Averages.Values, cancellationToken);
            await redis.SetServedSessionAsync(CacheFamily.Metadata, session);
            await redis.SetServedSessionAsync(CacheFamily.VolumeAverages, session);
        }
        else
        {
            logger.LogWarning("metadata:ticker serves the later session {Served}: only ticker:universe is synced for {Target}", served?.Iso(), command.TargetDate.Iso());
        }

        long stale = 0;
        foreach (var chunk in before.StaleKeys.Chunk(1000))
        {
            stale += await redis.Database.KeyDeleteAsync(chunk);
        }

        // Counts, not a re-read of every key just written: the set is swapped in whole, each SET was acknowledged, and
        // the stale keys found before are gone; so the keys in Redis are exactly the ones meant.
        var universe = await redis.Database.SetLengthAsync(RedisKeys.TickerUniverse);
        var metadataKeys = await redis.CountByPatternAsync(MetadataPattern, cancellationToken);
        var holds = universe == active.Count && stale == before.StaleKeys.Count
            && (wanted is null || (written == active.Count && averagesWritten == wanted.Averages.Count));
        var result = new StepMetrics
        {
            ["universe"] = active.Count,
            ["metadata_written"] = written,
            ["avg_volume_written"] = averagesWritten,
            ["stale_keys_removed"] = stale,
            ["universe_in_redis"] = universe,
            ["metadata_keys_in_redis"] = metadataKeys,
        };

        var caches = wanted is null
            ? $"metadata left to the later session {served?.Iso()}"
            : $"{written} metadata:ticker and {averagesWritten} ticker:avg_volume keys of session {session.Iso()} written";
        var verdict = holds
            ? $"ticker:universe holds the {active.Count} active symbols; {caches} ({stale} stale keys removed)"
            : $"written: ticker:universe has {universe} members, {written} metadata and {averagesWritten} average keys were written for {active.Count} active tickers, {stale} of {before.StaleKeys.Count} stale keys removed";
        return StepResult.Done(new StepValidation(holds, verdict), result);
    }

    /// <summary>What the caches should hold for the target: each active ticker's metadata and, where known, its averages.</summary>
    private async Task<Wanted> WantedAsync(List<Ticker> active, DateOnly target, CancellationToken ct)
    {
        var sessions = TradingWindow.EndingAt(calendar, target, VolumeAverages.LongWindow);
        var activeSymbols = active.Select(t => t.Symbol).ToHashSet(StringComparer.Ordinal);
        var averages = new Dictionary<string, VolumeAverage>(StringComparer.Ordinal);
        await foreach (var history in store.ReadDailyBarHistoryAsync(sessions[0], target, ct))
        {
            if (activeSymbols.Contains(history.Symbol) && VolumeAverages.Calculate(history.Symbol, history.Bars, sessions) is { } average)
            {
                averages[history.Symbol] = average;
            }
        }

        var metadata = active.ToDictionary(t => t.Symbol, t => TickerMetadataDocument.From(t, averages.GetValueOrDefault(t.Symbol)), StringComparer.Ordinal);
        return new Wanted(metadata, averages);
    }

    /// <summary>
    /// Redis against what it should hold: the universe set, each metadata and average key byte for byte (a format
    /// change is a difference: the readers parse the format), and keys that should not be there.
    /// </summary>
    private async Task<Comparison> CompareAsync(List<Ticker> active, Wanted? wanted, CancellationToken ct)
    {
        var db = redis.Database;
        var activeSymbols = active.Select(t => t.Symbol).ToHashSet(StringComparer.Ordinal);
        var members = await db.SetMembersAsync(RedisKeys.TickerUniverse);
        var universeMatches = members.Length == active.Count && members.All(m => activeSymbols.Contains(m.ToString()));

        var stale = new List<RedisKey>();
        await foreach (var key in redis.ScanAsync(MetadataPattern, ct))
        {
            if (!activeSymbols.Contains(SymbolOf(key)))
            {
                stale.Add(key);
            }
        }

        if (wanted is not null)
        {
            await foreach (var key in redis.ScanAsync(AvgVolumePattern, ct))
            {
                if (!wanted.Averages.ContainsKey(SymbolOf(key)))
                {
                    stale.Add(key);
                }
            }
        }

        var mismatched = 0;
        if (wanted is not null)
        {
            var expected = wanted.Metadata.Values.Select(d => (Key: RedisKeys.TickerMetadata(d.Symbol), Json: DownstreamJson.Serialize(d)))
                .Concat(wanted.Averages.Values.Select(a => (Key: RedisKeys.AvgVolume(a.Symbol), Json: DownstreamJson.Serialize(AvgVolumeDocument.From(a)))))
                .ToList();
            foreach (var chunk in expected.Chunk(1000))
            {
                var values = await db.StringGetAsync([.. chunk.Select(e => (RedisKey)e.Key)]);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (values[i].IsNull || !((byte[])values[i]!).AsSpan().SequenceEqual(chunk[i].Json))
                    {
                        mismatched++;
                    }
                }
            }
        }

        return new Comparison(universeMatches && stale.Count == 0 && mismatched == 0, stale);
    }

    private static string SymbolOf(RedisKey key)
    {
        var text = key.ToString();
        return text[(text.LastIndexOf(':') + 1)..];
    }

    private sealed record Wanted(Dictionary<string, TickerMetadataDocument> Metadata, Dictionary<string, VolumeAverage> Averages);

    private sealed record Comparison(bool Matches, List<RedisKey> StaleKeys);
}
