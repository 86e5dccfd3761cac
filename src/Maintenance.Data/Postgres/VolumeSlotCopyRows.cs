using System.Text;

namespace Maintenance.Data.Postgres;

/// <summary>
/// Volume-slot rows in PostgreSQL's binary COPY format, columns (symbol, slot, volume, accumulated_volume, trades).
/// A day is ~800,000 rows: each symbol is encoded once per ticker, and a row is five big-endian stores.
/// </summary>
internal sealed class VolumeSlotCopyRows(int capacity = 1 << 16) : BinaryCopyBuffer(capacity)
{
    private const short Fields = 5;

    /// <summary>Bytes of a row besides its symbol: the field count, five lengths and the four numbers.</summary>
    private const int FixedRowBytes = BinaryCopyRow.CountSize + (Fields * BinaryCopyRow.LengthSize) + sizeof(short) + sizeof(long) + sizeof(long) + sizeof(int);

    private byte[] _symbol = [];

    /// <summary>Bytes one row of <paramref name="symbolBytes"/> UTF-8 bytes of symbol takes.</summary>
    public static int RowSize(int symbolBytes) => FixedRowBytes + symbolBytes;

    /// <summary>
    /// Writes one row at the start of <paramref name="destination"/>; returns its length, or 0 when it does not fit.
    /// </summary>
    public static int WriteRow(Span<byte> destination, ReadOnlySpan<byte> symbol, short slot, long volume, long accumulatedVolume, int trades)
    {
        if (destination.Length < RowSize(symbol.Length))
        {
            return 0;
        }

        var row = new BinaryCopyRow(destination, Fields);
        row.Text(symbol);
        row.Int16(slot);
        row.Int64(volume);
        row.Int64(accumulatedVolume);
        row.Int32(trades);
        return row.Length;
    }

    /// <summary>The symbol of the rows that follow.</summary>
    /// <exception cref="InvalidDataException">A row of it could not fit in the buffer.</exception>
    public void StartTicker(string symbol)
    {
        _symbol = Encoding.UTF8.GetBytes(symbol);
        if (RowSize(_symbol.Length) > Capacity)
        {
            throw new InvalidDataException($"The volume_slots load holds a symbol of {_symbol.Length} bytes ('{symbol[..Math.Min(symbol.Length, 40)]}...'); nothing was written.");
        }
    }

    /// <summary>Adds a row of the current ticker; false when the buffer is full (hand out <see cref="BinaryCopyBuffer.Pending"/>, <see cref="BinaryCopyBuffer.Clear"/>, add again).</summary>
    public bool TryAdd(short slot, long volume, long accumulatedVolume, int trades) =>
        Added(WriteRow(Free, _symbol, slot, volume, accumulatedVolume, trades));
}
