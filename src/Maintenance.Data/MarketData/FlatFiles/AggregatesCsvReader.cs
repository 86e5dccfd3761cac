// Longer than 250 lines: one span-based parser of the flat files; its hot loop and number parsing are kept together to stay fast.
using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Maintenance.Core;

namespace Maintenance.Data.MarketData.FlatFiles;

/// <summary>One data row of an aggregates flat file. <see cref="Ticker"/> points into the reader's buffer and is valid until its next fill.</summary>
internal ref struct AggregateRow
{
    public ReadOnlySpan<byte> Ticker;
    public long Volume;
    public double Open;
    public double Close;
    public double High;
    public double Low;
    public long WindowStartNs;
    public int Transactions;
    public long Line;
}

/// <summary>
/// Reads one Polygon aggregates flat file (day or minute; <c>.csv</c> or <c>.csv.gz</c>) from a pooled byte
/// buffer, without a string per row. Columns are found by the header, in any order; unknown columns are
/// ignored. A malformed row is skipped and recorded with its line number and reason; a file without the
/// required columns is a <see cref="MarketDataException"/>.
/// </summary>
/// <remarks>
/// Use: <c>while (await reader.FillAsync(ct)) { while (reader.TryReadRow(out var row)) { ... } }</c>.
/// </remarks>
internal sealed class AggregatesCsvReader : IAsyncDisposable
{
    private const int BufferSize = 1 << 20;
    private const int FileBufferSize = 1 << 20;

    // A streamed file's bytes go on into the reader's own 1 MB buffer (or gzip's); a 1 MB file buffer besides was a
    // large-object allocation per day file, and a first run's 61 of them a third of its full collections.
    private const int StreamedFileBufferSize = 1 << 16;
    private const int MaxTickerLength = 32;

    private static readonly (string Name, Column Column, bool Required)[] KnownColumns =
    [
        ("ticker", Column.Ticker, true),
        ("volume", Column.Volume, true),
        ("open", Column.Open, true),
        ("close", Column.Close, true),
        ("high", Column.High, true),
        ("low", Column.Low, true),
        ("window_start", Column.WindowStart, true),
        ("transactions", Column.Transactions, false),
    ];

    private readonly Stream _stream;
    private readonly long _dayStartNs;
    private readonly long _dayEndNs;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfFile;
    private bool _discardingLongLine;
    private long _lineNumber;
    private Column[]? _fields;
    private readonly uint? _gzipTrailerSize;
    private long _decompressedBytes;
    private int _tickerField;

    private AggregatesCsvReader(string path, DateOnly day, SkippedRows skipped, Stream stream, uint? gzipTrailerSize)
    {
        Path = path;
        _gzipTrailerSize = gzipTrailerSize;
        Day = day;
        Skipped = skipped;
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        _dayStartNs = NanosecondsSinceEpoch(TradingCalendar.AtNewYork(day, TimeOnly.MinValue));
        _dayEndNs = NanosecondsSinceEpoch(TradingCalendar.AtNewYork(day.AddDays(1), TimeOnly.MinValue));
    }

    private enum Column : byte
    {
        Ignored,
        Ticker,
        Volume,
        Open,
        Close,
        High,
        Low,
        WindowStart,
        Transactions,
    }

    public string Path { get; }

    /// <summary>The trading day the file holds; rows whose window starts on another New York date are skipped.</summary>
    public DateOnly Day { get; }

    public SkippedRows Skipped { get; }

    /// <summary>Opens <paramref name="path"/>; a name ending in <c>.gz</c> is decompressed.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="MarketDataException">A .gz file is too short to be gzip.</exception>
    public static AggregatesCsvReader Open(string path, DateOnly day, SkippedRows skipped)
    {
        var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = StreamedFileBufferSize,
            Options = FileOptions.SequentialScan,
        });
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return new AggregatesCsvReader(path, day, skipped, file, null);
        }

        try
        {
            return new AggregatesCsvReader(path, day, skipped, new GZipStream(file, CompressionMode.Decompress), ReadGzipTrailerSize(file, path));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A reader over <paramref name="file"/>, a file already read whole (<see cref="ReadWholeAsync"/>);
    /// its lines are numbered and its rows checked exactly as when streaming from <see cref="WholeFile.Path"/>.
    /// </summary>
    public static AggregatesCsvReader Over(WholeFile file, DateOnly day, SkippedRows skipped)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new AggregatesCsvReader(file.Path, day, skipped, file.OpenStream(), null);
    }

    /// <summary>
    /// Decompresses (or reads) all of <paramref name="path"/> into memory, with the same checks as the streaming reader:
    /// a corrupt or cut-off gzip file is a <see cref="MarketDataException"/> naming it. Null when the file is too large
    /// to hold (then stream it with <see cref="Open"/>).
    /// </summary>
    public static async Task<WholeFile?> ReadWholeAsync(string path, CancellationToken cancellationToken)
    {
        // Polygon's minute file of a full day is ~120 MB decompressed; a file far larger is streamed instead.
        const long MaxBytes = 1L << 30;
        await using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = FileBufferSize,
            Options = FileOptions.SequentialScan,
        });
        var gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        var recorded = gzip ? ReadGzipTrailerSize(file, path) : (uint?)null;
        if (file.Length > MaxBytes / 4)
        {
            return null;
        }

        // The gzip trailer holds the size mod 2^32: a first guess, the buffer grows if it was wrong.
        var whole = new WholeFile(path, (int)Math.Min(gzip ? recorded!.Value : file.Length, MaxBytes) + 1);
        await using var input = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : (Stream)file;
        try
        {
            while (await whole.FillFromAsync(input, cancellationToken))
            {
                if (whole.Length >= MaxBytes)
                {
                    whole.Dispose();
                    return null;
                }
            }
        }
        catch (InvalidDataException ex)
        {
            whole.Dispose();
            throw new MarketDataException($"{path}: the gzip data is corrupt after {whole.Length} bytes ({ex.Message}); download the file again.", ex);
        }
        catch
        {
            whole.Dispose();
            throw;
        }

        if (recorded is { } size && (uint)whole.Length != size)
        {
            whole.Dispose();
            throw new MarketDataException(
                $"{path}: the gzip file is truncated or corrupt: it decompressed to {whole.Length} bytes, " +
                $"but its trailer records {size} (mod 2^32); download the file again.");
        }

        return whole;
    }

    /// <summary>
    /// The uncompressed size (mod 2^32) a gzip file records in its last four bytes. .NET's GZipStream ends
    /// quietly at the end of a cut-off file, so this is how a half-downloaded file is told from a whole one.
    /// </summary>
    private static uint ReadGzipTrailerSize(FileStream file, string path)
    {
        const int SmallestGzip = 18;
        if (file.Length < SmallestGzip)
        {
            throw new MarketDataException($"{path}: {file.Length} bytes is too short for a gzip file; it is truncated or not gzip.");
        }

        Span<byte> trailer = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(trailer);
        file.Seek(0, SeekOrigin.Begin);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }

    public static long NanosecondsSinceEpoch(DateTimeOffset instant) =>
        (instant.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public static DateTime UtcFromNanoseconds(long nanoseconds) =>
        new(DateTime.UnixEpoch.Ticks + (nanoseconds / 100), DateTimeKind.Utc);

    /// <summary>Reads more of the file into the buffer; false once every line has been read.</summary>
    /// <exception cref="MarketDataException">The file has no header line.</exception>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // A whole buffer without a line break: no aggregates row is that long.
            _lineNumber++;
            Skipped.Add(Path, _lineNumber, $"line: longer than {_buffer.Length} bytes");
            _end = 0;
            _discardingLongLine = true;
        }

        while (!_endOfFile && _end < _buffer.Length)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                throw new MarketDataException($"{Path}: the gzip data is corrupt after {_decompressedBytes} bytes ({ex.Message}); download the file again.", ex);
            }

            if (read == 0)
            {
                _endOfFile = true;
                CheckWhole();
            }
            else
            {
                _end += read;
                _decompressedBytes += read;
            }
        }

        if (_end > _start)
        {
            return true;
        }

        if (_fields is null)
        {
            throw new MarketDataException($"{Path}: the file is empty; expected a header line {ExpectedHeader()}.");
        }

        return false;
    }

    /// <summary>The next good row in the buffer; false when the buffer needs a fill (or the file is done).</summary>
    public bool TryReadRow(out AggregateRow row)
    {
        while (TryNextLine(out var line))
        {
            if (TryParseRow(line, out row))
            {
                return true;
            }
        }

        row = default;
        return false;
    }

    /// <summary>
    /// Only the ticker of the next data row (rows are not checked otherwise); for a quick pass over a file
    /// that only needs to know how its tickers are ordered.
    /// </summary>
    public bool TryReadTicker(out ReadOnlySpan<byte> ticker)
    {
        while (TryNextLine(out var line))
        {
            var position = _tickerField;
            while (position > 0)
            {
                var comma = line.IndexOf((byte)',');
                if (comma < 0)
                {
                    break;
                }

                line = line[(comma + 1)..];
                position--;
            }

            if (position == 0)
            {
                var end = line.IndexOf((byte)',');
                ticker = end < 0 ? line : line[..end];
                return true;
            }
        }

        ticker = default;
        return false;
    }

    /// <summary>The next non-empty data line (the header is read on the way); false when the buffer needs a fill.</summary>
    private bool TryNextLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            if (pending.IsEmpty)
            {
                line = default;
                return false;
            }

            var newline = pending.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (!_endOfFile)
                {
                    line = default;
                    return false;
                }

                line = pending;
                _start = _end;
            }
            else
            {
                line = pending[..newline];
                _start += newline + 1;
            }

            if (_discardingLongLine)
            {
                _discardingLongLine = false;
                continue;
            }

            _lineNumber++;
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            if (_fields is null)
            {
                _fields = ReadHeader(line);
                _tickerField = Array.IndexOf(_fields, Column.Ticker);
                continue;
            }

            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        var buffer = _buffer;
        _buffer = [];
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private void CheckWhole()
    {
        if (_gzipTrailerSize is { } recorded && (uint)_decompressedBytes != recorded)
        {
            throw new MarketDataException(
                $"{Path}: the gzip file is truncated or corrupt: it decompressed to {_decompressedBytes} bytes, " +
                $"but its trailer records {recorded} (mod 2^32); download the file again.");
        }
    }

    private static string ExpectedHeader() => string.Join(',', KnownColumns.Select(c => c.Name));

    private static string Printable(ReadOnlySpan<byte> field)
    {
        const int MaxShown = 40;
        var text = Encoding.UTF8.GetString(field.Length > MaxShown ? field[..MaxShown] : field);
        return field.Length > MaxShown ? $"'{text}...'" : $"'{text}'";
    }

    private Column[] ReadHeader(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line).TrimStart('\uFEFF');
        var names = text.Split(',').Select(n => n.Trim().Trim('"').ToLowerInvariant()).ToArray();
        var fields = new Column[names.Length];
        var missing = new List<string>();
        foreach (var (name, column, required) in KnownColumns)
        {
            var positions = names.Select((n, i) => (n, i)).Where(x => x.n == name).Select(x => x.i).ToArray();
            if (positions.Length > 1)
            {
                throw new MarketDataException($"{Path}: the header names column '{name}' {positions.Length} times: {text}");
            }

            if (positions.Length == 1)
            {
                fields[positions[0]] = column;
            }
            else if (required)
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            throw new MarketDataException(
                $"{Path}: line {_lineNumber}: the header lacks column(s) {string.Join(", ", missing)} " +
                $"(found '{text}', expected {ExpectedHeader()} in any order).");
        }

        return fields;
    }

    private bool TryParseRow(ReadOnlySpan<byte> line, out AggregateRow row)
    {
        var fields = _fields!;
        row = default;
        row.Line = _lineNumber;
        var index = 0;
        var rest = line;
        while (true)
        {
            var comma = rest.IndexOf((byte)',');
            var field = comma < 0 ? rest : rest[..comma];
            if (index >= fields.Length)
            {
                return Skip($"fields: more than the header's {fields.Length}");
            }

            switch (fields[index])
            {
                case Column.Ticker:
                    row.Ticker = field;
                    break;
                case Column.Volume when !Utf8Numbers.TryParseInt64(field, out row.Volume):
                    return Skip($"volume: {Printable(field)} is not a number");
                case Column.Open when !Utf8Numbers.TryParseDouble(field, out row.Open):
                    return Skip($"open: {Printable(field)} is not a number");
                case Column.Close when !Utf8Numbers.TryParseDouble(field, out row.Close):
                    return Skip($"close: {Printable(field)} is not a number");
                case Column.High when !Utf8Numbers.TryParseDouble(field, out row.High):
                    return Skip($"high: {Printable(field)} is not a number");
                case Column.Low when !Utf8Numbers.TryParseDouble(field, out row.Low):
                    return Skip($"low: {Printable(field)} is not a number");
                case Column.WindowStart when !Utf8Numbers.TryParseInt64(field, out row.WindowStartNs):
                    return Skip($"window_start: {Printable(field)} is not a number");
                case Column.Transactions:
                    if (!Utf8Numbers.TryParseInt64(field, out var transactions) || transactions is < int.MinValue or > int.MaxValue)
                    {
                        return Skip($"transactions: {Printable(field)} is not a whole number");
                    }

                    row.Transactions = (int)transactions;
                    break;
                default:
                    break;
            }

            index++;
            if (comma < 0)
            {
                break;
            }

            rest = rest[(comma + 1)..];
        }

        if (index != fields.Length)
        {
            return Skip($"fields: found {index}, the header has {fields.Length}");
        }

        if (row.Ticker.IsEmpty)
        {
            return Skip("ticker: empty");
        }

        if (row.Ticker.Length > MaxTickerLength)
        {
            return Skip($"ticker: {Printable(row.Ticker)} is longer than {MaxTickerLength} characters");
        }

        if (row.Volume < 0)
        {
            return Skip($"volume: {row.Volume} is negative");
        }

        if (row.Transactions < 0)
        {
            return Skip($"transactions: {row.Transactions} is negative");
        }

        if (!IsPrice(row.Open) || !IsPrice(row.Close) || !IsPrice(row.High) || !IsPrice(row.Low))
        {
            return Skip(string.Create(
                CultureInfo.InvariantCulture,
                $"price: open {row.Open}, high {row.High}, low {row.Low}, close {row.Close} must all be positive"));
        }

        if (row.WindowStartNs < _dayStartNs || row.WindowStartNs >= _dayEndNs)
        {
            return Skip($"window_start: {row.WindowStartNs} ns is not on {Day:yyyy-MM-dd} (America/New_York)");
        }

        return true;
    }

    private static bool IsPrice(double value) => value > 0 && double.IsFinite(value);

    private bool Skip(string reason)
    {
        Skipped.Add(Path, _lineNumber, reason);
        return false;
    }
}
