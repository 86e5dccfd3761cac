using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Compression;

namespace Maintenance.Benchmarks.Bench;

/// <summary>What a parse saw: rows, and a sum over every field so no work can be skipped.</summary>
public readonly record struct ParseTally(long Rows, double Checksum)
{
    public static ParseTally operator +(ParseTally a, ParseTally b) => new(a.Rows + b.Rows, a.Checksum + b.Checksum);
}

/// <summary>
/// The least parse of an aggregates file that still reads every value (ticker,volume,open,close,high,low,
/// window_start,transactions): spans and <see cref="Utf8Parser"/>, no validation, no objects. It is the physical
/// floor of parsing, independent of the project's reader.
/// </summary>
public static class MinimalParse
{
    private const int NumericColumns = 7;

    /// <summary>
    /// The whole decompressed file in memory (outside any timing), in <paramref name="buffer"/>, which is replaced only
    /// by a larger one: the floors read file after file into one array of the gzip trailer's size, where a growing
    /// MemoryStream and its copy held about three times a minute file's 120 MB at the full market, per file.
    /// </summary>
    public static ReadOnlyMemory<byte> Decompress(string path, ref byte[]? buffer)
    {
        var size = DecompressedSize(path);
        if (buffer is null || buffer.Length < size)
        {
            // Let go of the smaller one first, so the allocation can take its place.
            buffer = null;
            buffer = GC.AllocateUninitializedArray<byte>(size);
        }

        using (var file = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
        {
            var read = file.ReadAtLeast(buffer.AsSpan(0, size), size, throwOnEndOfStream: false);
            if (read == size && file.ReadByte() < 0)
            {
                return buffer.AsMemory(0, size);
            }
        }

        // Not what the trailer said (several gzip members, or over 4 GB): read it the slow way.
        using var again = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        again.CopyTo(memory);
        buffer = memory.ToArray();
        return buffer;
    }

    /// <summary>The gzip trailer's ISIZE: the uncompressed length modulo 2^32 (of the last member).</summary>
    private static int DecompressedSize(string path)
    {
        using var file = File.OpenRead(path);
        if (file.Length < 18)
        {
            return 0;
        }

        Span<byte> trailer = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(trailer);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        return size > Array.MaxLength ? 0 : (int)size;
    }

    /// <summary>Parses the rows of <paramref name="text"/> after its header line on one core.</summary>
    public static ParseTally OneCore(ReadOnlySpan<byte> text)
    {
        var header = text.IndexOf((byte)'\n');
        return Rows(header < 0 ? [] : text[(header + 1)..]);
    }

    /// <summary>The same, split at line ends into one piece per core.</summary>
    public static ParseTally AllCores(ReadOnlyMemory<byte> text, int cores)
    {
        var all = text.Span;
        var header = all.IndexOf((byte)'\n') + 1;
        var bounds = new List<int> { header };
        for (var piece = 1; piece < cores; piece++)
        {
            var at = Math.Max(bounds[^1], header + (int)((long)(text.Length - header) * piece / cores));
            var end = all[at..].IndexOf((byte)'\n');
            bounds.Add(end < 0 ? text.Length : at + end + 1);
        }

        bounds.Add(text.Length);
        var tallies = new ParseTally[cores];
        Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, piece =>
            tallies[piece] = Rows(text.Span.Slice(bounds[piece], bounds[piece + 1] - bounds[piece])));
        return tallies.Aggregate(default(ParseTally), (sum, t) => sum + t);
    }

    private static ParseTally Rows(ReadOnlySpan<byte> text)
    {
        long rows = 0;
        double checksum = 0;
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? [] : text[(end + 1)..];
            var comma = line.IndexOf((byte)',');
            if (comma <= 0)
            {
                continue;
            }

            checksum += line[0];
            line = line[(comma + 1)..];
            for (var column = 0; column < NumericColumns; column++)
            {
                comma = line.IndexOf((byte)',');
                var field = comma < 0 ? line : line[..comma];
                line = comma < 0 ? [] : line[(comma + 1)..];
                // Volumes and prices may carry decimals; window_start needs all 64 bits.
                if (Utf8Parser.TryParse(field, out long whole, out var used) && used == field.Length)
                {
                    checksum += whole;
                }
                else if (Utf8Parser.TryParse(field, out double value, out _))
                {
                    checksum += value;
                }
            }

            rows++;
        }

        return new ParseTally(rows, checksum);
    }
}
