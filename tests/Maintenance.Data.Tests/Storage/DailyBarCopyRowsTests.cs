using Maintenance.Core;
using Maintenance.Data.Postgres;

namespace Maintenance.Data.Tests.Storage;

public sealed class DailyBarCopyRowsTests
{
    [Fact]
    public void A_row_is_nine_fields_each_with_its_big_endian_length_and_a_missing_vwap_is_null()
    {
        var bar = new DailyBar("AB", new DateOnly(2000, 1, 2), Open: 1.5, High: 2, Low: 1, Close: 1.25, Volume: 0x0102030405060708, Vwap: null, Trades: 300);
        var row = new byte[200];

        var written = DailyBarCopyRows.WriteRow(row, bar);

        byte[] expected =
        [
            0, 9,
            0, 0, 0, 2, (byte)'A', (byte)'B',
            0, 0, 0, 4, 0, 0, 0, 1,
            0, 0, 0, 8, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 8, 0x40, 0x00, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 8, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 8, 0x3F, 0xF4, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
            0xFF, 0xFF, 0xFF, 0xFF,
            0, 0, 0, 4, 0, 0, 1, 44,
        ];
        Assert.Equal(expected, row[..written]);
    }

    [Fact]
    public void A_vwap_a_date_before_2000_and_a_symbol_beyond_ascii_are_encoded_exactly()
    {
        var bar = new DailyBar("Ä", new DateOnly(1999, 12, 31), Open: 1, High: 1, Low: 1, Close: 1, Volume: 0, Vwap: 0.5, Trades: -1);
        var row = new byte[200];

        var written = DailyBarCopyRows.WriteRow(row, bar);

        Assert.Equal(2 + 4 + 2 + 8 + (4 * 12) + 12 + 12 + 8, written);
        Assert.Equal(new byte[] { 0, 9, 0, 0, 0, 2, 0xC3, 0x84, 0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF }, row[..16]);
        Assert.Equal(new byte[] { 0, 0, 0, 8, 0x3F, 0xE0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF }, row[(written - 20)..written]);
    }

    [Fact]
    public void A_row_that_might_not_fit_writes_nothing()
    {
        var bar = new DailyBar("ABC", new DateOnly(2026, 11, 25), 1, 1, 1, 1, 1, 1, 1);
        var row = new byte[DailyBarCopyRows.MaxRowSize(bar) - 1];

        Assert.Equal(0, DailyBarCopyRows.WriteRow(row, bar));
        Assert.All(row, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_full_buffer_refuses_the_row_until_cleared_and_keeps_what_it_has()
    {
        var bar = new DailyBar("AB", new DateOnly(2000, 1, 1), 1, 1, 1, 1, 1, null, 1);
        var rows = new DailyBarCopyRows(capacity: 2 * DailyBarCopyRows.MaxRowSize(bar));

        Assert.True(rows.TryAdd(bar));
        Assert.True(rows.TryAdd(bar with { Trades = 2 }));
        Assert.False(rows.TryAdd(bar with { Trades = 3 }));
        Assert.Equal(2 * 88, rows.Pending.Length); // 86 fixed bytes (vwap null) and a 2-byte symbol
        Assert.Equal(new byte[] { 0, 0, 0, 4, 0, 0, 0, 2 }, rows.Pending.Span[^8..].ToArray());

        rows.Clear();
        Assert.True(rows.TryAdd(bar with { Trades = 3 }));
        Assert.Equal(new byte[] { 0, 0, 0, 4, 0, 0, 0, 3 }, rows.Pending.Span[^8..].ToArray());
    }

    [Fact]
    public void A_symbol_whose_row_cannot_fit_even_an_empty_buffer_is_refused()
    {
        var rows = new DailyBarCopyRows(capacity: 200);

        var error = Assert.Throws<InvalidDataException>(() => rows.TryAdd(new DailyBar(new string('X', 50), new DateOnly(2026, 11, 25), 1, 1, 1, 1, 1, null, 1)));
        Assert.Contains("50 characters", error.Message, StringComparison.Ordinal);
    }
}
