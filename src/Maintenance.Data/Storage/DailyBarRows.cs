using System.Data.Common;
using System.Runtime.CompilerServices;
using Maintenance.Core;

namespace Maintenance.Data.Storage;

/// <summary>
/// Reading daily_bars rows selected as (symbol, trading_date, open, high, low, close, volume, vwap, trades), the same
/// for PostgreSQL and SQLite.
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
}
