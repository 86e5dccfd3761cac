using System.Data.Common;
using System.Runtime.CompilerServices;
using Maintenance.Core;

namespace Maintenance.Data.Storage;

/// <summary>
/// Reading daily_bars rows selected as (symbol, trading_date, open, high, low, close, volume, vwap, trades), or only
/// their prices, the same for PostgreSQL and SQLite.
/// </summary>
internal static class DailyBarRows
{
    public static DailyBar Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetFieldValue<DateOnly>(1),
        reader.GetDouble(2),
        reader.GetDouble(3),
        reader.GetDouble(4),
        reader.GetDouble(5),
        reader.GetInt64(6),
        reader.IsDBNull(7) ? null : reader.GetDouble(7),
        reader.GetInt32(8));

    /// <summary>Rows ordered by (symbol, trading_date) as one history per symbol, handed out as soon as the next symbol starts.</summary>
    public static async IAsyncEnumerable<DailyBarHistory> GroupBySymbolAsync(DbDataReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        var bars = new List<DailyBar>();
        while (await reader.ReadAsync(ct))
        {
            var bar = Read(reader);
            if (bars.Count > 0 && !string.Equals(bars[0].Symbol, bar.Symbol, StringComparison.Ordinal))
            {
                yield return new DailyBarHistory(bars[0].Symbol, bars);
                bars = [];
            }

            bars.Add(bar);
        }

        if (bars.Count > 0)
        {
            yield return new DailyBarHistory(bars[0].Symbol, bars);
        }
    }

    /// <summary>Rows of (symbol, trading_date, high, low, close) ordered by (symbol, trading_date) as one price history per symbol.</summary>
    public static async IAsyncEnumerable<DailyPriceHistory> GroupPricesBySymbolAsync(DbDataReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        string? symbol = null;
        var dates = new List<DateOnly>();
        var high = new List<double>();
        var low = new List<double>();
        var close = new List<double>();
        while (await reader.ReadAsync(ct))
        {
            var rowSymbol = reader.GetString(0);
            if (symbol is not null && !string.Equals(symbol, rowSymbol, StringComparison.Ordinal))
            {
                yield return new DailyPriceHistory(symbol, [.. dates], [.. high], [.. low], [.. close]);
                dates.Clear();
                high.Clear();
                low.Clear();
                close.Clear();
            }

            symbol = rowSymbol;
            dates.Add(reader.GetFieldValue<DateOnly>(1));
            high.Add(reader.GetDouble(2));
            low.Add(reader.GetDouble(3));
            close.Add(reader.GetDouble(4));
        }

        if (symbol is not null)
        {
            yield return new DailyPriceHistory(symbol, [.. dates], [.. high], [.. low], [.. close]);
        }
    }
}
