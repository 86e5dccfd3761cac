using System.Text;
using Maintenance.Core;

namespace Maintenance.Data.MarketData.FlatFiles;

/// <summary>
/// Turns the rows of a minute file into one <see cref="TickerMinuteBars"/> per ticker.
/// In streaming mode (the file is grouped by ticker, as Polygon's are) a ticker is complete when the next
/// one starts, so only one ticker is held at a time. In holding mode (a file whose tickers reappear) every
/// ticker is held until the end of the file and the tickers are then given in ordinal order.
/// </summary>
internal sealed class MinuteFileGrouping(DateOnly day, string path, SkippedRows skipped, bool holdAll)
{
    private readonly byte[] _currentTicker = new byte[64];
    private readonly Dictionary<string, TickerBarsBuilder> _held = new(StringComparer.Ordinal);
    private readonly Queue<TickerMinuteBars> _completed = new();
    private int _currentTickerLength;
    private TickerBarsBuilder? _current;

    public int TickerCount { get; private set; }

    public long BarCount { get; private set; }

    /// <summary>Consumes the rows now in the reader's buffer.</summary>
    public void AddRows(AggregatesCsvReader reader)
    {
        while (reader.TryReadRow(out var row))
        {
            if (_current is null || !row.Ticker.SequenceEqual(_currentTicker.AsSpan(0, _currentTickerLength)))
            {
                SwitchTo(row.Ticker);
            }

            _current!.Add(row);
        }
    }

    /// <summary>Tickers that are complete, in the order they may be given out.</summary>
    public bool TryTakeCompleted(out TickerMinuteBars bars) => _completed.TryDequeue(out bars!);

    /// <summary>Call at the end of the file: completes the last (or every held) ticker.</summary>
    public void Finish()
    {
        if (holdAll)
        {
            foreach (var builder in _held.Values.OrderBy(b => b.Symbol, StringComparer.Ordinal))
            {
                Complete(builder);
            }

            _held.Clear();
        }
        else if (_current is not null)
        {
            Complete(_current);
        }

        _current = null;
    }

    private void SwitchTo(ReadOnlySpan<byte> ticker)
    {
        var symbol = Encoding.UTF8.GetString(ticker);
        ticker.CopyTo(_currentTicker);
        _currentTickerLength = ticker.Length;
        if (holdAll)
        {
            if (!_held.TryGetValue(symbol, out _current))
            {
                _current = new TickerBarsBuilder(symbol);
                _held.Add(symbol, _current);
            }

            return;
        }

        if (_current is null)
        {
            _current = new TickerBarsBuilder(symbol);
            return;
        }

        Complete(_current);
        _current.Reset(symbol);
    }

    private void Complete(TickerBarsBuilder builder)
    {
        if (builder.Count == 0)
        {
            return;
        }

        var bars = builder.Build(day, path, skipped);
        TickerCount++;
        BarCount += bars.Bars.Length;
        _completed.Enqueue(bars);
    }
}
