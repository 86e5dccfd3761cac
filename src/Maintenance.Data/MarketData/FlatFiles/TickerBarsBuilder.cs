using System.Globalization;
using Maintenance.Core;

namespace Maintenance.Data.MarketData.FlatFiles;

/// <summary>
/// Gathers one ticker's rows of a minute file into a <see cref="TickerMinuteBars"/>: in time order, one bar
/// per minute (a second bar for the same minute is skipped and recorded with its line).
/// </summary>
internal sealed class TickerBarsBuilder(string symbol)
{
    private MinuteBar[] _bars = new MinuteBar[512];
    private long[] _lines = new long[512];
    private int _count;
    private bool _outOfOrder;

    public string Symbol { get; private set; } = symbol;

    public int Count => _count;

    /// <summary>Starts over for another ticker, keeping the arrays.</summary>
    public void Reset(string symbol)
    {
        Symbol = symbol;
        _count = 0;
        _outOfOrder = false;
    }

    public void Add(in AggregateRow row)
    {
        if (_count == _bars.Length)
        {
            Array.Resize(ref _bars, _bars.Length * 2);
            Array.Resize(ref _lines, _lines.Length * 2);
        }

        var bar = new MinuteBar(
            AggregatesCsvReader.UtcFromNanoseconds(row.WindowStartNs),
            row.Open,
            row.High,
            row.Low,
            row.Close,
            row.Volume,
            row.Transactions);
        if (_count > 0 && bar.StartUtc <= _bars[_count - 1].StartUtc)
        {
            _outOfOrder = true;
        }

        _bars[_count] = bar;
        _lines[_count] = row.Line;
        _count++;
    }

    public TickerMinuteBars Build(DateOnly day, string path, SkippedRows skipped)
    {
        if (!_outOfOrder)
        {
            return new TickerMinuteBars(Symbol, day, _bars.AsSpan(0, _count).ToArray());
        }

        // Rare: the file is not in time order within this ticker. Order by time, then by line so the
        // first row of a minute is the one kept.
        var order = new int[_count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            var byTime = _bars[a].StartUtc.CompareTo(_bars[b].StartUtc);
            return byTime != 0 ? byTime : _lines[a].CompareTo(_lines[b]);
        });
        var result = new List<MinuteBar>(_count);
        var previous = DateTime.MinValue;
        foreach (var i in order)
        {
            var bar = _bars[i];
            if (result.Count > 0 && bar.StartUtc == previous)
            {
                skipped.Add(path, _lines[i], string.Create(
                    CultureInfo.InvariantCulture,
                    $"duplicate: {Symbol} already has a bar at {bar.StartUtc:yyyy-MM-ddTHH:mm}Z"));
                continue;
            }

            result.Add(bar);
            previous = bar.StartUtc;
        }

        return new TickerMinuteBars(Symbol, day, [.. result]);
    }
}
