using System.Buffers.Binary;
using System.Text;

namespace Maintenance.Data.Postgres;

/// <summary>
/// Writes one row of the binary COPY format into a span: the field count, then each field as its length and its
/// big-endian value. The caller makes sure the row fits (see each table's row size).
/// </summary>
internal ref struct BinaryCopyRow
{
    /// <summary>Bytes of the field count.</summary>
    public const int CountSize = 2;

    /// <summary>Bytes of a field's length.</summary>
    public const int LengthSize = 4;

    /// <summary>PostgreSQL's dates count days from 2000-01-01.</summary>
    private static readonly int PostgresEpochDay = new DateOnly(2000, 1, 1).DayNumber;

    private readonly Span<byte> _row;

    public BinaryCopyRow(Span<byte> row, short fields)
    {
        _row = row;
        BinaryPrimitives.WriteInt16BigEndian(row, fields);
        Length = CountSize;
    }

    /// <summary>Bytes written so far.</summary>
    public int Length { get; private set; }

    public void Text(ReadOnlySpan<byte> utf8)
    {
        BinaryPrimitives.WriteInt32BigEndian(_row[Length..], utf8.Length);
        utf8.CopyTo(_row[(Length + LengthSize)..]);
        Length += LengthSize + utf8.Length;
    }

    /// <summary>The text encoded as UTF-8 in place; room for <see cref="Encoding.GetMaxByteCount"/> bytes is needed.</summary>
    public void Text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text, _row[(Length + LengthSize)..]);
        BinaryPrimitives.WriteInt32BigEndian(_row[Length..], bytes);
        Length += LengthSize + bytes;
    }

    public void Int16(short value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_row[Length..], sizeof(short));
        BinaryPrimitives.WriteInt16BigEndian(_row[(Length + LengthSize)..], value);
        Length += LengthSize + sizeof(short);
    }

    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_row[Length..], sizeof(int));
        BinaryPrimitives.WriteInt32BigEndian(_row[(Length + LengthSize)..], value);
        Length += LengthSize + sizeof(int);
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_row[Length..], sizeof(long));
        BinaryPrimitives.WriteInt64BigEndian(_row[(Length + LengthSize)..], value);
        Length += LengthSize + sizeof(long);
    }

    public void Float8(double value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_row[Length..], sizeof(double));
        BinaryPrimitives.WriteDoubleBigEndian(_row[(Length + LengthSize)..], value);
        Length += LengthSize + sizeof(double);
    }

    public void Date(DateOnly value) => Int32(value.DayNumber - PostgresEpochDay);

    /// <summary>A null is a length of -1 and no value.</summary>
    public void Null()
    {
        BinaryPrimitives.WriteInt32BigEndian(_row[Length..], -1);
        Length += LengthSize;
    }
}
