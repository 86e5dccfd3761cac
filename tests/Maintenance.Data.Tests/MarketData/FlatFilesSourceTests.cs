using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Data.Tests.MarketData;

public sealed class FlatFilesSourceTests : IDisposable
{
    // 2025-11-03 is a Monday in EST: midnight New York = 05:00 UTC, 04:00 = 09:00 UTC, 09:30 = 14:30 UTC.
    private static readonly DateOnly Day = new(2025, 11, 3);
    private const long Midnight = 1762146000000000000;
    private const long At0400 = 1762160400000000000;
    private const long At0930 = 1762180200000000000;
    private const long At0931 = 1762180260000000000;
    private const long NextMidnight = 1762232400000000000;

    private readonly TempFolder _folder = new();
    private readonly FlatFilesSource _source;

    public FlatFilesSourceTests() => _source = new FlatFilesSource(_folder.Layout, TradingCalendar.Nyse);

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Day_file_rows_become_daily_bars_from_csv_gz_and_plain_csv(bool gzip)
    {
        _folder.WriteDayFile(Day, $"""
            ticker,volume,open,close,high,low,window_start,transactions
            AAPL,52164523,270.42,269.05,270.85,266.25,{Midnight},712345
            MSFT,18034512,519.81,517.03,524.04,515.11,{Midnight},301234

            """, gzip);

        var result = await _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);

        Assert.Equal(Day, result.Date);
        Assert.Equal(0, result.Skipped.Count);
        Assert.Equal(
            [
                new DailyBar("AAPL", Day, 270.42, 270.85, 266.25, 269.05, 52164523, null, 712345),
                new DailyBar("MSFT", Day, 519.81, 524.04, 515.11, 517.03, 18034512, null, 301234),
            ],
            result.Bars);
    }

    [Fact]
    public async Task Columns_are_found_by_the_header_in_any_order_and_unknown_ones_are_ignored()
    {
        _folder.WriteDayFile(Day, $"""
            window_start,low,extra,high,transactions,close,open,volume,ticker
            {Midnight},266.25,whatever,270.85,712345,269.05,270.42,52164523,AAPL
            """);

        var result = await _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);

        Assert.Equal([new DailyBar("AAPL", Day, 270.42, 270.85, 266.25, 269.05, 52164523, null, 712345)], result.Bars);
    }

    [Fact]
    public async Task Windows_line_endings_and_a_last_line_without_newline_are_read()
    {
        _folder.WriteDayFile(Day, $"ticker,volume,open,close,high,low,window_start,transactions\r\nAAPL,1,2,3,4,1.5,{Midnight},5\r\nMSFT,6,7,8,9,6.5,{Midnight},10");

        var result = await _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);

        Assert.Equal(["AAPL", "MSFT"], result.Bars.Select(b => b.Symbol));
        Assert.Equal(6.5, result.Bars[1].Low);
        Assert.Equal(10, result.Bars[1].Trades);
    }

    [Fact]
    public async Task Malformed_rows_are_skipped_and_counted_with_their_line_and_reason()
    {
        var path = _folder.WriteDayFile(Day, $"""
            ticker,volume,open,close,high,low,window_start,transactions
            AAPL,100,1,2,3,0.5,{Midnight},5
            BAD1,100,1,2,3,0.5,{Midnight}
            BAD2,lots,1,2,3,0.5,{Midnight},5
            ,100,1,2,3,0.5,{Midnight},5
            BAD4,-5,1,2,3,0.5,{Midnight},5
            BAD5,100,0,2,3,0.5,{Midnight},5
            BAD6,100,1,2,3,0.5,{NextMidnight},5
            BAD7,100,1,2,3,0.5,yesterday,5
            AAPL,100,1,2,3,0.5,{Midnight},5
            BAD9,100,1,2,3,0.5,{Midnight},5,extra
            MSFT,200,10,20,30,5,{Midnight},7
            """);

        var result = await _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);

        Assert.Equal(["AAPL", "MSFT"], result.Bars.Select(b => b.Symbol));
        Assert.Equal(9, result.Skipped.Count);
        Assert.Equal(
            [
                (3L, "fields: found 7, the header has 8"),
                (4L, "volume: 'lots' is not a number"),
                (5L, "ticker: empty"),
                (6L, "volume: -5 is negative"),
                (7L, "price: open 0, high 3, low 0.5, close 2 must all be positive"),
                (8L, $"window_start: {NextMidnight} ns is not on 2025-11-03 (America/New_York)"),
                (9L, "window_start: 'yesterday' is not a number"),
                (10L, "duplicate: AAPL already has a day bar on line 2"),
                (11L, "fields: more than the header's 8"),
            ],
            result.Skipped.Details.Select(d => (d.Line, d.Reason)));
        Assert.All(result.Skipped.Details, d => Assert.Equal(path, d.Source));
        Assert.Equal($"{path}:3: fields: found 7, the header has 8", result.Skipped.Details[0].ToString());
        Assert.Equal(2, result.Skipped.CountByKind()["volume"]);
        Assert.Equal(2, result.Skipped.CountByKind()["fields"]);
    }

    [Fact]
    public async Task A_missing_file_for_a_trading_day_is_an_error_naming_the_path()
    {
        Assert.False(_source.HasDailyBars(Day));
        Assert.False(_source.HasMinuteBars(Day));

        var dayError = await Assert.ThrowsAsync<MarketDataMissingException>(() => _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));
        var expected = Path.Combine(_folder.Path, "us_stocks_sip", "day_aggs_v1", "2025", "11", "2025-11-03.csv.gz");
        Assert.Equal(expected, dayError.Location);
        Assert.Contains(expected, dayError.Message, StringComparison.Ordinal);

        var minuteError = await Assert.ThrowsAsync<MarketDataMissingException>(async () =>
        {
            await foreach (var _ in _source.ReadMinuteBarsAsync(Day, new SkippedRows(), TestContext.Current.CancellationToken))
            {
            }
        });
        Assert.Contains(Path.Combine("minute_aggs_v1", "2025", "11", "2025-11-03.csv.gz"), minuteError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_for_a_holiday_says_it_is_not_a_trading_day()
    {
        var thanksgiving = new DateOnly(2025, 11, 27);

        var error = await Assert.ThrowsAsync<MarketDataMissingException>(() => _source.GetDailyBarsAsync(thanksgiving, TestContext.Current.CancellationToken));

        Assert.Contains("2025-11-27 is not a trading day", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_without_required_columns_is_an_error_naming_them()
    {
        var path = _folder.WriteDayFile(Day, $"ticker,vol,open,close,high,window_start\nAAPL,1,2,3,4,{Midnight}\n");

        var error = await Assert.ThrowsAsync<MarketDataException>(() => _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("lacks column(s) volume, low", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_an_error()
    {
        _folder.WriteDayFile(Day, "", gzip: false);

        var error = await Assert.ThrowsAsync<MarketDataException>(() => _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));

        Assert.Contains("the file is empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_file_of_several_megabytes_loses_no_row_and_names_a_bad_one_by_its_line(bool gzip)
    {
        // 60,000 rows (~3.5 MB, several fills of the reader's 1 MB buffer), one ticker per row; line 50,001 is broken.
        var rows = ManyMinuteRows(60_000).Split('\n');
        rows[50_000] = rows[50_000].Replace(",20,5,", ",20,x5,", StringComparison.Ordinal);
        var path = _folder.WriteMinuteFile(Day, string.Join('\n', rows), gzip);
        var skipped = new SkippedRows();

        var tickers = await ReadAllAsync(skipped);

        Assert.Equal(59_999, tickers.Count);
        Assert.Equal((60_000L * 60_001 / 2) - 50_000, tickers.Sum(t => t.Bars.Sum(b => b.Volume)));
        var bad = Assert.Single(skipped.Details);
        Assert.Equal((path, 50_001L, "low: 'x5' is not a number"), (bad.Source, bad.Line, bad.Reason));
    }

    [Fact]
    public async Task A_cut_off_gzip_file_is_an_error_not_half_a_day()
    {
        var path = _folder.WriteMinuteFile(Day, ManyMinuteRows(5000));
        var whole = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(path, whole[..(whole.Length / 2)], TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<MarketDataException>(async () =>
        {
            await foreach (var _ in _source.ReadMinuteBarsAsync(Day, new SkippedRows(), TestContext.Current.CancellationToken))
            {
                Assert.Fail("nothing of a cut-off file is handed out");
            }
        });

        Assert.StartsWith($"{path}: the gzip file is truncated or corrupt: it decompressed to ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_or_tiny_gzip_file_is_an_error_naming_it()
    {
        var path = _folder.WriteDayFile(Day, ManyMinuteRows(5000).Replace($"{At0400}", $"{Midnight}", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        for (var i = bytes.Length / 3; i < bytes.Length / 3 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }

        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        var corrupt = await Assert.ThrowsAsync<MarketDataException>(() => _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));

        await File.WriteAllBytesAsync(path, bytes[..10], TestContext.Current.CancellationToken);
        var tiny = await Assert.ThrowsAsync<MarketDataException>(() => _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));

        Assert.StartsWith($"{path}: the gzip", corrupt.Message, StringComparison.Ordinal);
        Assert.Equal($"{path}: 10 bytes is too short for a gzip file; it is truncated or not gzip.", tiny.Message);
    }

    [Fact]
    public async Task Transactions_column_is_optional()
    {
        _folder.WriteDayFile(Day, $"ticker,volume,open,close,high,low,window_start\nAAPL,1,2,3,4,1.5,{Midnight}\n");

        var result = await _source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);

        Assert.Equal(0, Assert.Single(result.Bars).Trades);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Minute_file_streams_one_ticker_at_a_time_with_exact_utc_times(bool gzip)
    {
        _folder.WriteMinuteFile(Day, $"""
            ticker,volume,open,close,high,low,window_start,transactions
            AAPL,300,270.1,270.2,270.3,270.0,{At0400},3
            AAPL,5000,270.2,270.5,270.6,270.2,{At0930},40
            AAPL,4000,270.5,270.4,270.7,270.3,{At0931},35
            MSFT,100,517.0,517.1,517.2,516.9,{At0930},2

            """, gzip);
        var skipped = new SkippedRows();

        var tickers = await ReadAllAsync(skipped);

        Assert.Equal(0, skipped.Count);
        Assert.Equal(["AAPL", "MSFT"], tickers.Select(t => t.Symbol));
        Assert.All(tickers, t => Assert.Equal(Day, t.Date));
        Assert.Equal(
            [
                new MinuteBar(new DateTime(2025, 11, 3, 9, 0, 0, DateTimeKind.Utc), 270.1, 270.3, 270.0, 270.2, 300, 3),
                new MinuteBar(new DateTime(2025, 11, 3, 14, 30, 0, DateTimeKind.Utc), 270.2, 270.6, 270.2, 270.5, 5000, 40),
                new MinuteBar(new DateTime(2025, 11, 3, 14, 31, 0, DateTimeKind.Utc), 270.5, 270.7, 270.3, 270.4, 4000, 35),
            ],
            tickers[0].Bars);
        Assert.Equal(DateTimeKind.Utc, tickers[0].Bars[0].StartUtc.Kind);
        Assert.Single(tickers[1].Bars);
    }

    [Fact]
    public async Task A_minute_file_not_grouped_by_ticker_still_gives_each_ticker_once_in_time_order()
    {
        var path = _folder.WriteMinuteFile(Day, $"""
            ticker,volume,open,close,high,low,window_start,transactions
            MSFT,100,1,1,1,1,{At0930},1
            AAPL,200,2,2,2,2,{At0931},1
            MSFT,101,1,1,1,1,{At0931},1
            AAPL,201,2,2,2,2,{At0930},1
            AAPL,999,2,2,2,2,{At0930},1
            """);
        var skipped = new SkippedRows();

        var tickers = await ReadAllAsync(skipped);

        Assert.False(await FlatFilesSource.IsGroupedByTickerAsync(path, Day, TestContext.Current.CancellationToken));
        Assert.Equal(["AAPL", "MSFT"], tickers.Select(t => t.Symbol));
        Assert.Equal([201L, 200L], tickers[0].Bars.Select(b => b.Volume));
        Assert.Equal([100L, 101L], tickers[1].Bars.Select(b => b.Volume));
        var duplicate = Assert.Single(skipped.Details);
        Assert.Equal((path, 6L, "duplicate: AAPL already has a bar at 2025-11-03T14:30Z"), (duplicate.Source, duplicate.Line, duplicate.Reason));
    }

    [Fact]
    public async Task A_bad_row_between_a_tickers_rows_does_not_make_the_file_look_unsorted()
    {
        var path = _folder.WriteMinuteFile(Day, $"""
            ticker,volume,open,close,high,low,window_start,transactions
            AAPL,300,270.1,270.2,270.3,270.0,{At0930},3
            ,300,270.1,270.2,270.3,270.0,{At0930},3
            AAPL,300,270.1,270.2,270.3,270.0,{At0931},3
            MSFT,100,517.0,517.1,517.2,516.9,{At0930},2
            """);

        Assert.True(await FlatFilesSource.IsGroupedByTickerAsync(path, Day, TestContext.Current.CancellationToken));
        var skipped = new SkippedRows();
        var tickers = await ReadAllAsync(skipped);
        Assert.Equal([("AAPL", 2), ("MSFT", 1)], tickers.Select(t => (t.Symbol, t.Bars.Length)));
        Assert.Equal((3L, "ticker: empty"), (Assert.Single(skipped.Details).Line, skipped.Details[0].Reason));
    }

    [Fact]
    public async Task Bad_minute_rows_are_skipped_with_line_numbers_and_the_rest_is_kept()
    {
        _folder.WriteMinuteFile(Day, $"""
            ticker,volume,open,close,high,low,window_start,transactions
            AAPL,300,270.1,270.2,270.3,270.0,{At0400},3
            AAPL,300,270.1,n/a,270.3,270.0,{At0930},3
            AAPL,300,270.1,270.2,270.3,270.0,{Midnight - 60_000_000_000},3
            AAPL,300,270.1,270.2,270.3,270.0,{At0931},3
            """);
        var skipped = new SkippedRows();

        var tickers = await ReadAllAsync(skipped);

        Assert.Equal(2, Assert.Single(tickers).Bars.Length);
        Assert.Equal([3L, 4L], skipped.Details.Select(d => d.Line));
        Assert.Equal("close: 'n/a' is not a number", skipped.Details[0].Reason);
        Assert.StartsWith("window_start:", skipped.Details[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tickers_list_is_the_latest_day_file_at_or_before_the_date()
    {
        _folder.WriteDayFile(Day, $"ticker,volume,open,close,high,low,window_start,transactions\nZZ,1,1,1,1,1,{Midnight},1\nAA,1,1,1,1,1,{Midnight},1\n");
        var ticker = new List<TickerInfo>();

        await foreach (var info in _source.ListTickersAsync(new DateOnly(2025, 11, 5), TestContext.Current.CancellationToken))
        {
            ticker.Add(info);
        }

        Assert.Equal(["AA", "ZZ"], ticker.Select(t => t.Symbol));
        Assert.Null(await _source.GetTickerDetailsAsync("AA", TestContext.Current.CancellationToken));
        await foreach (var _ in _source.ListTickersAsync(new DateOnly(2025, 11, 2), TestContext.Current.CancellationToken))
        {
            Assert.Fail("no day file exists on or before 2025-11-02");
        }
    }

    private static string ManyMinuteRows(int count) =>
        "ticker,volume,open,close,high,low,window_start,transactions\n" +
        string.Concat(Enumerable.Range(0, count).Select(i => $"T{i:D5},{i + 1},{10 + (i % 7)}.25,{11 + (i % 5)}.5,20,5,{At0400},{i % 13 + 1}\n"));

    private async Task<List<TickerMinuteBars>> ReadAllAsync(SkippedRows skipped)
    {
        var tickers = new List<TickerMinuteBars>();
        await foreach (var bars in _source.ReadMinuteBarsAsync(Day, skipped, TestContext.Current.CancellationToken))
        {
            tickers.Add(bars);
        }

        return tickers;
    }
}
