using Maintenance.Data.Postgres;

namespace Maintenance.Data.Tests.Storage;

public sealed class VolumeSlotCopyRowsTests
{
    [Fact]
    public void A_row_is_five_fields_each_with_its_big_endian_length()
    {
        var row = new byte[VolumeSlotCopyRows.RowSize(2)];

        var written = VolumeSlotCopyRows.WriteRow(row, "AB"u8, slot: 191, volume: 0x0102030405060708, accumulatedVolume: -1, trades: 300);

        Assert.Equal(46, written);
        byte[] expected =
        [
            0, 5,
            0, 0, 0, 2, (byte)'A', (byte)'B',
            0, 0, 0, 2, 0, 191,
            0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
            0, 0, 0, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0, 0, 0, 4, 0, 0, 1, 44,
        ];
        Assert.Equal(expected, row);
    }

    [Fact]
    public void A_row_that_does_not_fit_writes_nothing()
    {
        var row = new byte[VolumeSlotCopyRows.RowSize(3) - 1];

        Assert.Equal(0, VolumeSlotCopyRows.WriteRow(row, "ABC"u8, 0, 1, 1, 1));
        Assert.All(row, b => Assert.Equal(0, b));
    }

    [Fact]
    public void The_header_and_trailer_are_those_of_the_binary_format()
    {
        Assert.Equal("PGCOPY\n"u8.ToArray().Concat(new byte[] { 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0 }), VolumeSlotCopyRows.Header.ToArray());
        Assert.Equal(new byte[] { 0xFF, 0xFF }, VolumeSlotCopyRows.Trailer.ToArray());
    }

    [Fact]
    public void A_full_buffer_refuses_the_row_until_cleared_and_keeps_what_it_has()
    {
        var rows = new VolumeSlotCopyRows(capacity: 100);
        rows.StartTicker("ÄB");

        Assert.True(rows.TryAdd(1, 10, 10, 1));
        Assert.True(rows.TryAdd(2, 20, 30, 2));
        Assert.False(rows.TryAdd(3, 30, 60, 3));
        Assert.Equal(2 * VolumeSlotCopyRows.RowSize(3), rows.Pending.Length);
        Assert.Equal(new byte[] { 0, 5, 0, 0, 0, 3, 0xC3, 0x84, (byte)'B', 0, 0, 0, 2, 0, 1 }, rows.Pending[..15].ToArray());

        rows.Clear();
        Assert.True(rows.TryAdd(3, 30, 60, 3));
        Assert.Equal(VolumeSlotCopyRows.RowSize(3), rows.Pending.Length);
        Assert.Equal(new byte[] { 0, 0, 0, 2, 0, 3 }, rows.Pending.Slice(9, 6).ToArray());
    }

    [Fact]
    public void A_symbol_whose_row_cannot_fit_even_an_empty_buffer_is_refused()
    {
        var rows = new VolumeSlotCopyRows(capacity: 50);

        var error = Assert.Throws<InvalidDataException>(() => rows.StartTicker(new string('X', 10)));
        Assert.Contains("10 bytes", error.Message, StringComparison.Ordinal);
    }
}
