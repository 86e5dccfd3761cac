using System.Security.Cryptography;
using Maintenance.Data.Redis;
using Maintenance.Data.Storage;
using StackExchange.Redis;

namespace Maintenance.Tasks.SyncRedis;

/// <summary>
/// What sync-redis should leave in the caches for a session: each key with its value as written (serialized once, for
/// the checksum and the write), the symbols that have averages, and one checksum of them all.
/// </summary>
internal sealed record WantedCaches(
    List<KeyValuePair<RedisKey, RedisValue>> Metadata,
    List<KeyValuePair<RedisKey, RedisValue>> Averages,
    HashSet<string> AveragedSymbols,
    string Checksum)
{
    /// <summary>
    /// What the caches should hold for the target: each active ticker's metadata and, where known, its averages, and a
    /// checksum of every key and value (the marker compares it instead of reading every key back).
    /// </summary>
    public static WantedCaches For(List<Ticker> active, Dictionary<string, VolumeAverage> all)
    {
        var metadata = new List<KeyValuePair<RedisKey, RedisValue>>(active.Count);
        var averages = new List<KeyValuePair<RedisKey, RedisValue>>(active.Count);
        var averaged = new HashSet<string>(StringComparer.Ordinal);
        using var checksum = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var ticker in active)
        {
            var average = all.GetValueOrDefault(ticker.Symbol);
            metadata.Add(Entry(checksum, RedisKeys.TickerMetadata(ticker.Symbol), DownstreamJson.Serialize(TickerMetadataDocument.From(ticker, average))));
            if (average is not null)
            {
                averaged.Add(ticker.Symbol);
                averages.Add(Entry(checksum, RedisKeys.AvgVolume(ticker.Symbol), DownstreamJson.Serialize(AvgVolumeDocument.From(average))));
            }
        }

        return new WantedCaches(metadata, averages, averaged, Convert.ToHexString(checksum.GetHashAndReset()));
    }

    private static KeyValuePair<RedisKey, RedisValue> Entry(IncrementalHash checksum, string key, byte[] value)
    {
        // Lengths first, so no two different (key, value) lists hash the same bytes.
        Span<byte> lengths = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lengths, key.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lengths[4..], value.Length);
        checksum.AppendData(lengths);
        checksum.AppendData(System.Text.Encoding.UTF8.GetBytes(key));
        checksum.AppendData(value);
        return new KeyValuePair<RedisKey, RedisValue>(key, value);
    }
}
