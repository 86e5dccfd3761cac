using System.Text;
using Maintenance.Core;

namespace Maintenance.Data.Postgres;

/// <summary>
/// Daily bars in PostgreSQL's binary COPY format, columns (symbol, trading_date, open, high, low, close, volume, vwap,
/// trades). A first run copies ~600,000 of them: the symbol is encoded in place and a row is nine big-endian stores.
/// </summary>
internal sealed class DailyBarCopyRows(int capacity = 1 << 16) : BinaryCopyBuffer(capacity)
{
    private const short Fields = 9;

    /// <summary>Bytes of a row besides its symbol and vwap: the field count, nine lengths, the date, four prices, volume and trades.</summary>
    private const int FixedRowBytes = BinaryCopyRow.CountSize + (Fields * BinaryCopyRow.LengthSize) + sizeof(int) + (4 * sizeof(double)) + sizeof(long) + sizeof(int);

    /// <summary>The most bytes a row of <paramref name="bar"/> can take (a symbol's UTF-8 takes at most three bytes a character).</summary>
    public static int MaxRowSize(in DailyBar bar) => FixedRowBytes + sizeof(double) + Encoding.UTF8.GetMaxByteCount(bar.Symbol.Length);

    /// <summary>
    /// Writes <paramref name="bar"/> at the start of <paramref name="destination"/>; returns its length, or 0 when it
    /// might not fit.
    /// </summary>
    public static int WriteRow(Span<byte> destination, in DailyBar bar)
    {
        if (destination.Length < MaxRowSize(bar))
        {
            return 0;
        }

        var row = new BinaryCopyRow(destination, Fields);
        row.Text(bar.Symbol);
        row.Date(bar.Date);
        row.Float8(bar.Open);
        row.Float8(bar.High);
        row.Float8(bar.Low);
        row.Float8(bar.Close);
        row.Int64(bar.Volume);
        if (bar.Vwap is { } vwap)
        {
            row.Float8(vwap);
        }
        else
        {
            row.Null();
        }

        row.Int32(bar.Trades);
        return row.Length;
    }

    /// <summary>Adds a row; false when the buffer is full (hand out <see cref="BinaryCopyBuffer.Pending"/>, <see cref="BinaryCopyBuffer.Clear"/>, add again).</summary>
    /// <exception cref="InvalidDataException">The row could not fit even in an empty buffer.</exception>
    public bool TryAdd(in DailyBar bar)
    {
        if (MaxRowSize(bar) > Capacity)
        {
            throw new InvalidDataException($"The daily_bars load holds a symbol of {bar.Symbol.Length} characters ('{bar.Symbol[..Math.Min(bar.Symbol.Length, 40)]}...'); nothing was written.");
        }

        return Added(WriteRow(Free, bar));
    }
}
