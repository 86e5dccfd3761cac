namespace Maintenance.Data.Postgres;

/// <summary>
/// Rows in PostgreSQL's binary COPY format, encoded straight into a byte buffer that is handed to a raw binary COPY
/// (<c>BeginRawBinaryCopyAsync</c>). Npgsql's typed importer does a type lookup and a buffer check per value, and its
/// code is a lot to compile in a cold worker; here a row is a few big-endian stores. Each table's rows derive from this.
/// </summary>
internal class BinaryCopyBuffer
{
    private readonly byte[] _buffer;

    public BinaryCopyBuffer(int capacity = 1 << 16)
    {
        _buffer = new byte[capacity];
    }

    /// <summary>The file header of the binary format: signature, flags (none) and header extension length (none).</summary>
    public static ReadOnlySpan<byte> Header =>
        [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>The file trailer: a field count of -1.</summary>
    public static ReadOnlySpan<byte> Trailer => [0xFF, 0xFF];

    /// <summary>The encoded bytes not handed out yet.</summary>
    public ReadOnlyMemory<byte> Pending => _buffer.AsMemory(0, Length);

    public int Length { get; private set; }

    public int Capacity => _buffer.Length;

    /// <summary>The free part of the buffer, where the next row is written.</summary>
    protected Span<byte> Free => _buffer.AsSpan(Length);

    /// <summary>Adds <paramref name="bytes"/> as they are (the header or trailer); false when they do not fit.</summary>
    public bool TryAddRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - Length)
        {
            return false;
        }

        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
        return true;
    }

    public void Clear() => Length = 0;

    /// <summary>Counts the <paramref name="bytes"/> just written at the start of <see cref="Free"/>; false (nothing added) for 0.</summary>
    protected bool Added(int bytes)
    {
        Length += bytes;
        return bytes > 0;
    }
}
