using System.Runtime.CompilerServices;
using System.Text;
using Maintenance.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Maintenance.Data.Storage;

namespace Maintenance.Data.MarketData.FlatFiles;

/// <summary>
/// Polygon's flat files from a folder (<see cref="FlatFileLayout"/>). They carry no reference data, so
/// <see cref="GetTickerDetailsAsync"/> answers null and <see cref="ListTickersAsync"/> lists the tickers of
/// the latest day file.
/// </summary>
/// <remarks>
/// Minute files: Polygon sorts them by ticker, then time, so a ticker is complete when the next one starts
/// and the day streams with one ticker in memory. That order is checked, not trusted: a quick pass over
/// the tickers (gunzip and compare, about a third of the read) comes first, and a file in which a ticker
/// reappears after others is held whole and handed out grouped, each ticker once, in symbol order. Within
/// a ticker, rows out of time order are sorted and a second row for the same minute is skipped.
/// </remarks>
public sealed class FlatFilesSource(FlatFileLayout layout, TradingCalendar calendar, ILogger<FlatFilesSource>? logger = null)
    : IMarketDataSource
{
    private readonly ILogger _logger = logger ?? NullLogger<FlatFilesSource>.Instance;

    public FlatFileLayout Layout => layout;

    public bool HasDailyBars(DateOnly day) => layout.FindDayAggregates(day) is not null;

    public bool HasMinuteBars(DateOnly day) => layout.FindMinuteAggregates(day) is not null;

    public async Task<DailyBarsResult> GetDailyBarsAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var path = RequireFile(layout.FindDayAggregates(day), layout.DayAggregatesPath(day), day, "day aggregates");
        var skipped = new SkippedRows();
        // An array of the whole market's day (~11,000 bars), handed out as it is: the loader validates it in place.
        var bars = new DailyBar[16_384];
        var count = 0;
        var lineOfSymbol = new Dictionary<string, long>(bars.Length, StringComparer.Ordinal);
        await using (var reader = AggregatesCsvReader.Open(path, day, skipped))
        {
            while (await reader.FillAsync(cancellationToken))
            {
                ReadDailyRows(reader, day, ref bars, ref count, lineOfSymbol);
            }
        }

        LogRead(path, count, lineOfSymbol.Count, skipped);
        return new DailyBarsResult(day, new ArraySegment<DailyBar>(bars, 0, count), skipped);
    }

    public async IAsyncEnumerable<TickerMinuteBars> ReadMinuteBarsAsync(
        DateOnly day,
        SkippedRows skipped,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var path = RequireFile(layout.FindMinuteAggregates(day), layout.MinuteAggregatesPath(day), day, "minute aggregates");
        // Decompressed once: the ticker-order pass and the parse then read memory (the pass alone was a third of the read).
        using var whole = await AggregatesCsvReader.ReadWholeAsync(path, cancellationToken);
        var grouped = await IsGroupedByTickerAsync(path, day, whole, cancellationToken);
        if (!grouped)
        {
            _logger.LogWarning(
                "Minute file {Path} is not grouped by ticker; holding the whole day in memory to group it",
                path);
        }

        var grouping = new MinuteFileGrouping(day, path, skipped, holdAll: !grouped);
        await using (var reader = Reader(path, day, skipped, whole))
        {
            while (await reader.FillAsync(cancellationToken))
            {
                grouping.AddRows(reader);
                while (grouping.TryTakeCompleted(out var bars))
                {
                    yield return bars;
                }
            }
        }

        grouping.Finish();
        while (grouping.TryTakeCompleted(out var bars))
        {
            yield return bars;
        }

        LogRead(path, grouping.BarCount, grouping.TickerCount, skipped);
    }

    public Task<Ticker?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default) =>
        Task.FromResult<Ticker?>(null);

    public async IAsyncEnumerable<TickerInfo> ListTickersAsync(
        DateOnly? asOf = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var latest = layout.DaysWithDayAggregates()
            .Where(d => asOf is null || d <= asOf)
            .Cast<DateOnly?>()
            .FirstOrDefault();
        if (latest is null)
        {
            yield break;
        }

        var result = await GetDailyBarsAsync(latest.Value, cancellationToken);
        foreach (var bar in result.Bars.OrderBy(b => b.Symbol, StringComparer.Ordinal))
        {
            yield return new TickerInfo(bar.Symbol, null, null, null, true, null);
        }
    }

    /// <summary>
    /// A quick pass that only looks at tickers: true when every ticker's rows are consecutive, so the file
    /// can be streamed one ticker at a time.
    /// </summary>
    internal static Task<bool> IsGroupedByTickerAsync(string path, DateOnly day, CancellationToken cancellationToken) =>
        IsGroupedByTickerAsync(path, day, null, cancellationToken);

    private static async Task<bool> IsGroupedByTickerAsync(string path, DateOnly day, WholeFile? whole, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = new byte[64];
        var currentLength = -1;
        var grouped = true;
        await using var reader = Reader(path, day, new SkippedRows(), whole);
        while (grouped && await reader.FillAsync(cancellationToken))
        {
            grouped = ScanTickers(reader, seen, current, ref currentLength);
        }

        return grouped;
    }

    /// <summary>A reader over the file in memory when it was read whole, else streaming from disk.</summary>
    private static AggregatesCsvReader Reader(string path, DateOnly day, SkippedRows skipped, WholeFile? whole) =>
        whole is null ? AggregatesCsvReader.Open(path, day, skipped) : AggregatesCsvReader.Over(whole, day, skipped);

    private static bool ScanTickers(AggregatesCsvReader reader, HashSet<string> seen, byte[] current, ref int currentLength)
    {
        while (reader.TryReadTicker(out var ticker))
        {
            if (currentLength >= 0 && ticker.SequenceEqual(current.AsSpan(0, currentLength)))
            {
                continue;
            }

            if (ticker.IsEmpty || ticker.Length > current.Length)
            {
                continue; // not a ticker: the parser skips the row
            }

            if (!seen.Add(Encoding.UTF8.GetString(ticker)))
            {
                return false;
            }

            ticker.CopyTo(current);
            currentLength = ticker.Length;
        }

        return true;
    }

    private static void ReadDailyRows(AggregatesCsvReader reader, DateOnly day, ref DailyBar[] bars, ref int count, Dictionary<string, long> lineOfSymbol)
    {
        while (reader.TryReadRow(out var row))
        {
            var symbol = Encoding.UTF8.GetString(row.Ticker);
            if (!lineOfSymbol.TryAdd(symbol, row.Line))
            {
                reader.Skipped.Add(reader.Path, row.Line, $"duplicate: {symbol} already has a day bar on line {lineOfSymbol[symbol]}");
                continue;
            }

            if (count == bars.Length)
            {
                Array.Resize(ref bars, bars.Length * 2);
            }

            bars[count++] = new DailyBar(symbol, day, row.Open, row.High, row.Low, row.Close, row.Volume, null, row.Transactions);
        }
    }

    private string RequireFile(string? found, string expected, DateOnly day, string what)
    {
        if (found is not null)
        {
            return found;
        }

        var why = calendar.IsTradingDay(day) ? "" : $" ({day:yyyy-MM-dd} is not a trading day)";
        throw new MarketDataMissingException(
            $"No {what} flat file for {day:yyyy-MM-dd}{why}: {expected} (or .csv) does not exist.")
        {
            Location = expected,
        };
    }

    private void LogRead(string path, long bars, int tickers, SkippedRows skipped)
    {
        if (skipped.Count == 0)
        {
            _logger.LogInformation("Read {Bars} bars of {Tickers} tickers from {Path}", bars, tickers, path);
            return;
        }

        _logger.LogWarning(
            "Read {Bars} bars of {Tickers} tickers from {Path}; skipped {Skipped} rows, first: {FirstSkipped}",
            bars,
            tickers,
            path,
            skipped.Count,
            skipped.Details[0].ToString());
    }
}
