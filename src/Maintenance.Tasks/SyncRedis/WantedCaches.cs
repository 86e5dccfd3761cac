using System.Security.Cryptography;
using Maintenance.Data.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.SyncRedis;

/// <summary>What sync-redis should leave in the caches for a session: the documents, and one checksum of them all.</summary>
internal sealed record WantedCaches(Dictionary<string, TickerMetadataDocument> Metadata, Dictionary<string, VolumeAverage> Averages, string Checksum)
{
    /// <summary>
    /// What the caches should hold for the target: each active ticker's metadata and, where known, its averages, and a
    /// checksum of every key and value (the marker compares it instead of reading every key back).
    /// </summary>
    public static WantedCaches For(List<Ticker> active, Dictionary<string, VolumeAverage> all)
    {
        var averages = new Dictionary<string, VolumeAverage>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, TickerMetadataDocument>(StringComparer.Ordinal);
        using var checksum = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var ticker in active)
        {
            var average = all.GetValueOrDefault(ticker.Symbol);
            var document = TickerMetadataDocument.From(ticker, average);
            metadata[ticker.Symbol] = document;
            AppendEntry(checksum, RedisKeys.TickerMetadata(ticker.Symbol), DownstreamJson.Serialize(document));
            if (average is not null)
            {
                averages[ticker.Symbol] = average;
                AppendEntry(checksum, RedisKeys.AvgVolume(ticker.Symbol), DownstreamJson.Serialize(AvgVolumeDocument.From(average)));
            }
        }

        return new WantedCaches(metadata, averages, Convert.ToHexString(checksum.GetHashAndReset()));
    }

    private static void AppendEntry(IncrementalHash checksum, string key, byte[] value)
    {
        // Lengths first, so no two different (key, value) lists hash the same bytes.
        Span<byte> lengths = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lengths, key.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lengths[4..], value.Length);
        checksum.AppendData(lengths);
        checksum.AppendData(System.Text.Encoding.UTF8.GetBytes(key));
        checksum.AppendData(value);
    }
}
