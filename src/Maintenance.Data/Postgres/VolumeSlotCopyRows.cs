using System.Buffers.Binary;
using System.Text;

namespace Maintenance.Data.Postgres;

/// <summary>
/// Volume-slot rows in PostgreSQL's binary COPY format, columns (symbol, slot, volume, accumulated_volume, trades),
/// encoded straight into a byte buffer for a raw binary COPY. A day is ~800,000 rows: the importer's per-value
/// writes (a type lookup and a UTF-8 encoding of the symbol for every row) cost as much CPU as the parse of the file,
/// where this encodes each symbol once per ticker and a row is five big-endian stores.
/// </summary>
internal sealed class VolumeSlotCopyRows
{
    /// <summary>The file header of the binary format: signature, flags (none) and header extension length (none).</summary>
    public static ReadOnlySpan<byte> Header =>
        [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>The file trailer: a field count of -1.</summary>
    public static ReadOnlySpan<byte> Trailer => [0xFF, 0xFF];

    private const short Fields = 5;

    /// <summary>Bytes of a row besides its symbol: the field count, five lengths and the four numbers.</summary>
    private const int FixedRowBytes = 2 + (5 * 4) + 2 + 8 + 8 + 4;

    private readonly byte[] _buffer;
    private byte[] _symbol = [];

    public VolumeSlotCopyRows(int capacity = 1 << 16)
    {
        _buffer = new byte[capacity];
    }

    /// <summary>The encoded bytes not handed out yet.</summary>
    public ReadOnlyMemory<byte> Pending => _buffer.AsMemory(0, Length);

    public int Length { get; private set; }

    /// <summary>Bytes one row of <paramref name="symbolBytes"/> UTF-8 bytes of symbol takes.</summary>
    public static int RowSize(int symbolBytes) => FixedRowBytes + symbolBytes;

    /// <summary>
    /// Writes one row at the start of <paramref name="destination"/>; returns its length, or 0 when it does not fit.
    /// </summary>
    public static int WriteRow(Span<byte> destination, ReadOnlySpan<byte> symbol, short slot, long volume, long accumulatedVolume, int trades)
    {
        var size = RowSize(symbol.Length);
        if (destination.Length < size)
        {
            return 0;
        }

        BinaryPrimitives.WriteInt16BigEndian(destination, Fields);
        BinaryPrimitives.WriteInt32BigEndian(destination[2..], symbol.Length);
        symbol.CopyTo(destination[6..]);
        var at = 6 + symbol.Length;
        BinaryPrimitives.WriteInt32BigEndian(destination[at..], sizeof(short));
        BinaryPrimitives.WriteInt16BigEndian(destination[(at + 4)..], slot);
        BinaryPrimitives.WriteInt32BigEndian(destination[(at + 6)..], sizeof(long));
        BinaryPrimitives.WriteInt64BigEndian(destination[(at + 10)..], volume);
        BinaryPrimitives.WriteInt32BigEndian(destination[(at + 18)..], sizeof(long));
        BinaryPrimitives.WriteInt64BigEndian(destination[(at + 22)..], accumulatedVolume);
        BinaryPrimitives.WriteInt32BigEndian(destination[(at + 30)..], sizeof(int));
        BinaryPrimitives.WriteInt32BigEndian(destination[(at + 34)..], trades);
        return size;
    }

    /// <summary>The symbol of the rows that follow.</summary>
    /// <exception cref="InvalidDataException">A row of it could not fit in the buffer.</exception>
    public void StartTicker(string symbol)
    {
        _symbol = Encoding.UTF8.GetBytes(symbol);
        if (RowSize(_symbol.Length) > _buffer.Length)
        {
            throw new InvalidDataException($"The volume_slots load holds a symbol of {_symbol.Length} bytes ('{symbol[..Math.Min(symbol.Length, 40)]}...'); nothing was written.");
        }
    }

    /// <summary>Adds a row of the current ticker; false when the buffer is full (hand out <see cref="Pending"/>, <see cref="Clear"/>, add again).</summary>
    public bool TryAdd(short slot, long volume, long accumulatedVolume, int trades)
    {
        var written = WriteRow(_buffer.AsSpan(Length), _symbol, slot, volume, accumulatedVolume, trades);
        Length += written;
        return written > 0;
    }

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
}
