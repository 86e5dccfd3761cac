using StackExchange.Redis;

namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// A numbered Redis database the bench claims for one run: only an empty one, marked in the same step with a key
/// that names the run. It is flushed only while that key still names the run.
/// </summary>
public static class OwnedRedisDatabase
{
    public const string MarkerKey = "maintenance-bench:owner";

    // One script each, so no other client's write can fall between the check and the claim or the flush.
    private const string ClaimIfEmpty = "if redis.call('DBSIZE') == 0 then redis.call('SET', KEYS[1], ARGV[1]) return 1 end return 0";
    private const string FlushIfOwned = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('FLUSHDB') return 1 end return 0";

    /// <summary>
    /// Claims <paramref name="database"/>, or with null the highest-numbered empty database, and answers the
    /// configuration string that selects it.
    /// </summary>
    /// <exception cref="BenchRefusedException">The database named holds keys, or none is empty.</exception>
    public static async Task<(string Configuration, int Database)> ClaimAsync(string server, int? database, BenchOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var options = ConfigurationOptions.Parse(server);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        // Database 0 is where services keep their data by default: only taken when named.
        var count = redis.GetServer(redis.GetEndPoints()[0]).DatabaseCount;
        var candidates = database is { } named ? [named] : Enumerable.Range(1, count - 1).Reverse();
        foreach (var candidate in candidates)
        {
            var claimed = (long)await redis.GetDatabase(candidate).ScriptEvaluateAsync(ClaimIfEmpty, [MarkerKey], [owner.Marker]);
            if (claimed == 1)
            {
                var forServices = options.Clone();
                forServices.DefaultDatabase = candidate;
                forServices.AbortOnConnectFail = false;
                return (forServices.ToString(includePassword: true), candidate);
            }
        }

        throw new BenchRefusedException(database is { } taken
            ? $"Redis database {taken} holds keys: the bench uses only a database that is empty when it starts, and never flushes one it did not claim. Give another --redis-db, or leave it out to take an empty one."
            : "No Redis database is empty: the bench uses only a database that is empty when it starts.");
    }

    /// <summary>Empties <paramref name="database"/> if its marker key names this run.</summary>
    /// <exception cref="BenchRefusedException">The marker is missing or another run's: nothing is deleted.</exception>
    public static async Task FlushAsync(string server, int database, BenchOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server);
        var flushed = (long)await redis.GetDatabase(database).ScriptEvaluateAsync(FlushIfOwned, [MarkerKey], [owner.Marker]);
        if (flushed != 1)
        {
            throw new BenchRefusedException(
                $"Refusing to flush Redis database {database}: its {MarkerKey} key does not name this bench run ({owner.Marker}), so the bench did not claim it.");
        }
    }
}
