using System.IO.Hashing;
using Maintenance.Data.Redis;
using Maintenance.Data.Storage;
using StackExchange.Redis;

namespace Maintenance.Tasks.SyncRedis;

/// <summary>One round of keys to write: some tickers' metadata documents and their averages, serialized.</summary>
internal sealed record CacheRound(List<KeyValuePair<RedisKey, RedisValue>> Metadata, List<KeyValuePair<RedisKey, RedisValue>> Averages);

/// <summary>
/// What sync-redis should leave in the caches for a session: each active ticker's metadata and, where known, its
/// averages, serialized round by round (a round can be written while the next one is serialized), and one checksum
/// of every key and value (the marker compares it instead of reading every key back). The checksum detects change, it
/// guards against no adversary: a 128-bit XXH3 is as good at that as SHA-256, and needs no native library loaded
/// (the first SHA-256 of a worker took ~12 ms to load OpenSSL, on a first run's critical path).
/// </summary>
internal sealed class WantedCaches(List<Ticker> active, Dictionary<string, VolumeAverage> all)
{
    private string? _checksum;

    /// <summary>The active symbols that have averages: those get a <c>ticker:avg_volume</c> key.</summary>
    public HashSet<string> AveragedSymbols { get; } = active.Where(t => all.ContainsKey(t.Symbol)).Select(t => t.Symbol).ToHashSet(StringComparer.Ordinal);

    /// <summary>The XXH3 128-bit hash of every key and value, known once <see cref="Rounds"/> was enumerated to its end.</summary>
    public string Checksum => _checksum ?? throw new InvalidOperationException("The checksum is known once every round was serialized.");

    /// <summary>The keys and values, <paramref name="tickersPerRound"/> tickers a round, serialized as the rounds are enumerated.</summary>
    public IEnumerable<CacheRound> Rounds(int tickersPerRound)
    {
        var checksum = new XxHash128();
        foreach (var tickers in active.Chunk(tickersPerRound))
        {
            var round = new CacheRound(new(tickers.Length), new(tickers.Length));
            foreach (var ticker in tickers)
            {
                var average = all.GetValueOrDefault(ticker.Symbol);
                round.Metadata.Add(Entry(checksum, RedisKeys.TickerMetadata(ticker.Symbol), DownstreamJson.Serialize(TickerMetadataDocument.From(ticker, average))));
                if (average is not null)
                {
                    round.Averages.Add(Entry(checksum, RedisKeys.AvgVolume(ticker.Symbol), DownstreamJson.Serialize(AvgVolumeDocument.From(average))));
                }
            }

            yield return round;
        }

        _checksum = Convert.ToHexString(checksum.GetHashAndReset());
    }

    private static KeyValuePair<RedisKey, RedisValue> Entry(XxHash128 checksum, string key, byte[] value)
    {
        // Lengths first, so no two different (key, value) lists hash the same bytes.
        Span<byte> lengths = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lengths, key.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lengths[4..], value.Length);
        checksum.Append(lengths);
        checksum.Append(System.Text.Encoding.UTF8.GetBytes(key));
        checksum.Append(value);
        return new KeyValuePair<RedisKey, RedisValue>(key, value);
    }
}
