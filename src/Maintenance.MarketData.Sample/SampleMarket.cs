using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Maintenance.Core;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.MarketData.Sample;

/// <summary>
/// Writes a deterministic sample market as Polygon flat files (day and minute aggregates, <c>.csv.gz</c>):
/// a day's files depend only on the seed, the universe size and the date, so writing a range or a single
/// day gives the same bytes for that day. Tickers are generated in parallel and written in symbol order.
/// </summary>
public static class SampleMarket
{
    public const int DefaultTickers = 500;
    public const int DefaultSeed = 20_250_101;

    private const string Header = "ticker,volume,open,close,high,low,window_start,transactions\n";
    private const int TickersPerBatch = 256;

    /// <summary>
    /// Writes every trading day of [<paramref name="from"/>, <paramref name="to"/>] under
    /// <paramref name="folder"/> (Polygon's layout, see <see cref="FlatFileLayout"/>). Days whose two files
    /// exist are kept unless <paramref name="overwrite"/>.
    /// </summary>
    public static async Task<SampleWriteResult> WriteAsync(
        string folder,
        DateOnly from,
        DateOnly to,
        int tickers = DefaultTickers,
        int seed = DefaultSeed,
        TradingCalendar? calendar = null,
        bool overwrite = false,
        IProgress<SampleDayWritten>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        calendar ??= TradingCalendar.Nyse;
        var layout = new FlatFileLayout(folder);
        var universe = SampleUniverse.Create(tickers, seed);
        int written = 0, kept = 0;
        long dailyBars = 0, minuteBars = 0;
        foreach (var day in calendar.TradingDays(from, to))
        {
            if (!overwrite && File.Exists(layout.DayAggregatesPath(day)) && File.Exists(layout.MinuteAggregatesPath(day)))
            {
                kept++;
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            var (dayCount, minuteCount) = await WriteDayAsync(layout, universe, calendar.Session(day), cancellationToken);
            written++;
            dailyBars += dayCount;
            minuteBars += minuteCount;
            progress?.Report(new SampleDayWritten(day, dayCount, minuteCount, Stopwatch.GetElapsedTime(started)));
        }

        return new SampleWriteResult(written, kept, dailyBars, minuteBars);
    }

    /// <summary>Writes one trading day's two files; answers the number of day bars and minute bars.</summary>
    internal static async Task<(int DailyBars, long MinuteBars)> WriteDayAsync(
        FlatFileLayout layout,
        SampleUniverse universe,
        TradingSession session,
        CancellationToken cancellationToken)
    {
        var day = session.Date;
        var dailyBars = new List<DailyBar>(universe.Tickers.Count);
        long minuteBars = 0;
        var minutePath = layout.MinuteAggregatesPath(day);
        await WriteAtomicallyAsync(minutePath, async gzip =>
        {
            await gzip.WriteAsync(Encoding.ASCII.GetBytes(Header), cancellationToken);

            // Compressing one batch while the next is generated keeps both cores busy.
            var next = Task.Run(() => GenerateBatch(universe, session, 0, cancellationToken), cancellationToken);
            for (var first = 0; first < universe.Tickers.Count; first += TickersPerBatch)
            {
                var batch = await next;
                if (first + TickersPerBatch < universe.Tickers.Count)
                {
                    var nextFirst = first + TickersPerBatch;
                    next = Task.Run(() => GenerateBatch(universe, session, nextFirst, cancellationToken), cancellationToken);
                }

                foreach (var ticker in batch)
                {
                    await gzip.WriteAsync(ticker.Rows.AsMemory(0, ticker.Length), cancellationToken);
                    ArrayPool<byte>.Shared.Return(ticker.Rows);
                    minuteBars += ticker.MinuteBars;
                    if (ticker.DayBar is { } dayBar)
                    {
                        dailyBars.Add(dayBar);
                    }
                }
            }
        });

        var dayStart = WindowStartNanoseconds(TradingCalendar.AtNewYork(day, TimeOnly.MinValue));
        await WriteAtomicallyAsync(layout.DayAggregatesPath(day), async gzip =>
        {
            var text = new StringBuilder(Header, (dailyBars.Count + 1) * 64);
            foreach (var bar in dailyBars)
            {
                text.Append(CultureInfo.InvariantCulture, $"{bar.Symbol},{bar.Volume},{bar.Open},{bar.Close},{bar.High},{bar.Low},{dayStart},{bar.Trades}\n");
            }

            await gzip.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), cancellationToken);
        });

        return (dailyBars.Count, minuteBars);
    }

    /// <summary>Up to <see cref="TickersPerBatch"/> tickers from <paramref name="first"/> on, generated in parallel, in symbol order.</summary>
    private static GeneratedTicker[] GenerateBatch(SampleUniverse universe, TradingSession session, int first, CancellationToken cancellationToken)
    {
        var batch = new GeneratedTicker[Math.Min(TickersPerBatch, universe.Tickers.Count - first)];
        Parallel.For(0, batch.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var ticker = universe.Tickers[first + i];
            var bars = SampleTickerDay.MinuteBars(ticker, universe.Seed, session);
            var (rows, length) = FormatMinuteRows(ticker.Symbol, bars);
            batch[i] = new GeneratedTicker(rows, length, bars.Length, SampleTickerDay.DayBar(ticker.Symbol, session.Date, bars));
        });
        return batch;
    }

    private static (byte[] Rows, int Length) FormatMinuteRows(string symbol, MinuteBar[] bars)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(256, bars.Length * 128));
        var length = 0;
        Span<byte> ticker = stackalloc byte[Encoding.ASCII.GetByteCount(symbol)];
        Encoding.ASCII.GetBytes(symbol, ticker);
        foreach (var bar in bars)
        {
            var row = buffer.AsSpan(length);
            var at = 0;
            ticker.CopyTo(row);
            at += ticker.Length;
            row[at++] = (byte)',';
            at += Format(bar.Volume, row[at..]);
            row[at++] = (byte)',';
            at += FormatPrice(bar.Open, row[at..]);
            row[at++] = (byte)',';
            at += FormatPrice(bar.Close, row[at..]);
            row[at++] = (byte)',';
            at += FormatPrice(bar.High, row[at..]);
            row[at++] = (byte)',';
            at += FormatPrice(bar.Low, row[at..]);
            row[at++] = (byte)',';
            at += Format(WindowStartNanoseconds(new DateTimeOffset(bar.StartUtc)), row[at..]);
            row[at++] = (byte)',';
            at += Format(bar.Trades, row[at..]);
            row[at++] = (byte)'\n';
            length += at;
        }

        return (buffer, length);
    }

    /// <summary>
    /// A sample price (rounded to at most 4 decimals) as its decimal digits without trailing zeros: the
    /// same text as the shortest round-trip form, several times faster than the general double formatter.
    /// </summary>
    private static int FormatPrice(double price, Span<byte> destination)
    {
        const int Scale = 10_000;
        var scaled = (long)Math.Round(price * Scale);
        var at = Format(scaled / Scale, destination);
        var fraction = (int)(scaled % Scale);
        if (fraction == 0)
        {
            return at;
        }

        var digits = 4;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        destination[at++] = (byte)'.';
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[at + i] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }

        return at + digits;
    }

    private static int Format<T>(T value, Span<byte> destination)
        where T : IUtf8SpanFormattable
    {
        if (!value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A sample row is longer than its buffer.");
        }

        return written;
    }

    /// <summary>One ticker's minute rows (a pooled buffer) and its day bar.</summary>
    private readonly record struct GeneratedTicker(byte[] Rows, int Length, int MinuteBars, DailyBar? DayBar);

    /// <summary>Writes a gzip file under a temporary name and renames it, so a reader never sees half a file.</summary>
    private static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            {
                await write(gzip);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The flat files' <c>window_start</c>: nanoseconds since the Unix epoch.</summary>
    private static long WindowStartNanoseconds(DateTimeOffset instant) => (instant.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
}
