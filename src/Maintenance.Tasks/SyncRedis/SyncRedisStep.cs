using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Data;
using Maintenance.Data.Redis;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Maintenance.Tasks.SyncRedis;

/// <summary>
/// Copies the active universe from the database to Redis: <c>ticker:universe</c> (the set of active symbols, replaced
/// atomically) and <c>metadata:ticker:{SYMBOL}</c> (the JSON of each active ticker's row); metadata keys of tickers
/// no longer active are removed. Afterwards it reads Redis back and checks the set and the keys against the database.
/// When Redis already holds exactly the database's content, the step skips, unless <c>Force</c>.
/// </summary>
public sealed class SyncRedisStep(
    IMarketStore store,
    RedisStore redis,
    IConnectionMultiplexer multiplexer)
    : IStepService
{
    public const string MetadataPattern = "metadata:ticker:*";

    public static MaintenanceStep Kind => MaintenanceStep.SyncRedis;

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        var active = new List<Ticker>();
        await foreach (var ticker in store.ReadTickersAsync(activeOnly: true, cancellationToken))
        {
            active.Add(ticker);
        }

        if (active.Count == 0)
        {
            return StepResult.Done(new StepValidation(false, "no active tickers in the database: refusing to empty ticker:universe"), new StepMetrics());
        }

        var before = await CompareAsync(active, cancellationToken);
        if (!command.Force && before.Matches)
        {
            var metrics = new StepMetrics { ["universe"] = active.Count, ["metadata_keys"] = active.Count };
            return StepResult.AlreadyDone($"Redis already holds the {active.Count} active tickers: ticker:universe and every metadata:ticker key match the database", metrics);
        }

        await redis.ReplaceTickerUniverseAsync(active.Select(t => t.Symbol));
        var written = await redis.SetTickerMetadataAsync(active, cancellationToken);
        long stale = 0;
        foreach (var chunk in before.StaleMetadataKeys.Chunk(1000))
        {
            stale += await redis.Database.KeyDeleteAsync(chunk);
        }

        // Counts, not a re-read of every key just written: the set is swapped in whole, each SET was acknowledged,
        // and the stale keys found before are gone; so the keys in Redis are exactly the active tickers'.
        var universe = await redis.Database.SetLengthAsync(RedisKeys.TickerUniverse);
        var keys = written + (before.StaleMetadataKeys.Count - stale);
        var holds = universe == active.Count && written == active.Count && stale == before.StaleMetadataKeys.Count;
        var result = new StepMetrics
        {
            ["universe"] = active.Count,
            ["metadata_written"] = written,
            ["stale_metadata_removed"] = stale,
            ["universe_in_redis"] = universe,
            ["metadata_keys_in_redis"] = keys,
        };

        var verdict = holds
            ? $"ticker:universe holds the {active.Count} active symbols and {written} metadata:ticker keys were written ({stale} stale removed)"
            : $"written: ticker:universe has {universe} members, {written} metadata keys were written for {active.Count} active tickers, {stale} of {before.StaleMetadataKeys.Count} stale keys removed";
        return StepResult.Done(new StepValidation(holds, verdict), result);
    }

    /// <summary>Redis against the database: the universe set, each ticker's JSON, and metadata keys that should not be there.</summary>
    private async Task<Comparison> CompareAsync(List<Ticker> active, CancellationToken ct)
    {
        var db = redis.Database;
        var expected = active.ToDictionary(t => RedisKeys.TickerMetadata(t.Symbol), t => t, StringComparer.Ordinal);
        var members = await db.SetMembersAsync(RedisKeys.TickerUniverse);
        var universeMatches = members.Length == active.Count && members.All(m => expected.ContainsKey(RedisKeys.TickerMetadata(m.ToString())));

        var stale = new List<RedisKey>();
        long keys = 0;
        foreach (var server in multiplexer.GetServers())
        {
            if (server.IsReplica || !server.IsConnected)
            {
                continue;
            }

            // database -1: the multiplexer's default database.
            await foreach (var key in server.KeysAsync(database: -1, pattern: MetadataPattern, pageSize: 1000).WithCancellation(ct))
            {
                keys++;
                if (!expected.ContainsKey(key.ToString()))
                {
                    stale.Add(key);
                }
            }
        }

        var lookups = active.Select(t => db.StringGetAsync(RedisKeys.TickerMetadata(t.Symbol))).ToList();
        var values = await Task.WhenAll(lookups);
        var mismatched = 0;
        for (var i = 0; i < active.Count; i++)
        {
            if (values[i].IsNull || !SameJson(values[i], active[i]))
            {
                mismatched++;
            }
        }

        return new Comparison(universeMatches && stale.Count == 0 && mismatched == 0, members.Length, keys, mismatched, stale);
    }

    /// <summary>Compares as values, not bytes, so a field order or number format change is not a difference.</summary>
    private static bool SameJson(RedisValue stored, Ticker ticker)
    {
        try
        {
            var inRedis = JsonSerializer.Deserialize<Ticker>((byte[])stored!, RedisStore.Json);
            return inRedis == ticker;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed record Comparison(bool Matches, long UniverseCount, long MetadataKeyCount, int Mismatched, List<RedisKey> StaleMetadataKeys);
}
