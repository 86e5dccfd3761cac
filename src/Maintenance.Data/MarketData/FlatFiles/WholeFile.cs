using System.Buffers;

namespace Maintenance.Data.MarketData.FlatFiles;

/// <summary>
/// A flat file's bytes, decompressed once into a pooled buffer (<see cref="AggregatesCsvReader.ReadWholeAsync"/>), so
/// the check of its ticker order and the parse read memory instead of decompressing the file twice.
/// </summary>
internal sealed class WholeFile : IDisposable
{
    private byte[] _buffer;

    public WholeFile(string path, int capacity)
    {
        Path = path;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1 << 16));
    }

    public string Path { get; }

    public int Length { get; private set; }

    /// <summary>Reads the next part of <paramref name="input"/>, growing the buffer when full; false at its end.</summary>
    public async ValueTask<bool> FillFromAsync(Stream input, CancellationToken cancellationToken)
    {
        if (Length == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = await input.ReadAsync(_buffer.AsMemory(Length), cancellationToken);
        Length += read;
        return read > 0;
    }

    /// <summary>A read-only stream over the bytes; valid until this is disposed.</summary>
    public Stream OpenStream() => new MemoryStream(_buffer, 0, Length, writable: false);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
