using System.Runtime.CompilerServices;
using Maintenance.Core;
using Microsoft.Data.Sqlite;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Sqlite;

public sealed partial class SqliteMarketStore
{
    public async IAsyncEnumerable<Ticker> ReadTickersAsync(bool activeOnly, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TickerRows.SelectList} FROM tickers {(activeOnly ? "WHERE active" : "")} ORDER BY symbol";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return TickerRows.Read(reader);
        }
    }

    public async IAsyncEnumerable<DailyBar> ReadDailyBarsAsync(DateOnly day, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT symbol, trading_date, open, high, low, close, volume, vwap, trades FROM daily_bars WHERE trading_date = $day ORDER BY symbol";
        command.Parameters.AddWithValue("$day", day);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return DailyBarRows.Read(reader);
        }
    }

    public IAsyncEnumerable<DailyBarHistory> ReadDailyBarHistoryAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default) =>
        ReadDailyBarHistoryAsync(firstDay, lastDay, symbols: null, ct);

    /// <remarks>The symbols are picked out here: the embedded profile runs every step as one shard, so this is rarely narrowed.</remarks>
    public async IAsyncEnumerable<DailyBarHistory> ReadDailyBarHistoryAsync(DateOnly firstDay, DateOnly lastDay, IReadOnlyCollection<string>? symbols, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var wanted = symbols?.ToHashSet(StringComparer.Ordinal);
        LoadChecks.Window(firstDay, lastDay);
        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT symbol, trading_date, open, high, low, close, volume, vwap, trades FROM daily_bars
            WHERE trading_date BETWEEN $from AND $to ORDER BY symbol, trading_date
            """;
        command.Parameters.AddWithValue("$from", firstDay);
        command.Parameters.AddWithValue("$to", lastDay);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await foreach (var history in DailyBarRows.GroupBySymbolAsync(reader, ct))
        {
            if (wanted is null || wanted.Contains(history.Symbol))
            {
                yield return history;
            }
        }
    }

    public async IAsyncEnumerable<TickerVolumeSlots> ReadVolumeSlotsAsync(DateOnly day, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var history in ReadVolumeSlotHistoryAsync([day], symbols: null, ct))
        {
            yield return history.Days[0];
        }
    }

    public async IAsyncEnumerable<VolumeSlotHistory> ReadVolumeSlotHistoryAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string>? symbols = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var wanted = symbols?.ToHashSet(StringComparer.Ordinal);
        ArgumentNullException.ThrowIfNull(days);
        var ordered = days.Distinct().Order().ToArray();
        if (ordered.Length == 0)
        {
            yield break;
        }

        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        var names = ordered.Select((_, i) => "$d" + i).ToArray();
        command.CommandText = $"""
            SELECT symbol, trading_date, slot, volume, accumulated_volume, trades FROM volume_slots
            WHERE trading_date IN ({string.Join(", ", names)}) ORDER BY symbol, trading_date, slot
            """;
        for (var i = 0; i < ordered.Length; i++)
        {
            command.Parameters.AddWithValue(names[i], ordered[i]);
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var grouping = new VolumeSlotGrouping();
        while (await reader.ReadAsync(ct))
        {
            var finished = grouping.Add(
                reader.GetString(0),
                reader.GetFieldValue<DateOnly>(1),
                new VolumeSlot(reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt32(5)));
            if (finished is not null && (wanted is null || wanted.Contains(finished.Symbol)))
            {
                yield return finished;
            }
        }

        if (grouping.Finish() is { } last && (wanted is null || wanted.Contains(last.Symbol)))
        {
            yield return last;
        }
    }

    public async IAsyncEnumerable<AtrValue> ReadAtrValuesAsync(DateOnly day, int period, string method, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT symbol, atr, atr_percent FROM atr_values
            WHERE trading_date = $day AND period = $period AND method = $method ORDER BY symbol
            """;
        command.Parameters.AddWithValue("$day", day);
        command.Parameters.AddWithValue("$period", period);
        command.Parameters.AddWithValue("$method", method);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new AtrValue(reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2));
        }
    }

    public Task<IReadOnlyList<DateOnly>> DaysWithDailyBarsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default) =>
        DaysWithRowsAsync("daily_bars", firstDay, lastDay, ct);

    public Task<IReadOnlyList<DateOnly>> DaysWithVolumeSlotsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default) =>
        DaysWithRowsAsync("volume_slots", firstDay, lastDay, ct);

    public Task<IReadOnlyList<DayCount>> CountDailyBarsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default) =>
        CountPerDayAsync("SELECT trading_date, count(*), count(*) FROM daily_bars", firstDay, lastDay, ct);

    public Task<IReadOnlyList<DayCount>> CountVolumeSlotsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default) =>
        CountPerDayAsync("SELECT trading_date, count(*), count(DISTINCT symbol) FROM volume_slots", firstDay, lastDay, ct);

    public Task<IReadOnlySet<string>> SymbolsWithDailyBarsAsync(DateOnly day, CancellationToken ct = default) =>
        SymbolsOfDayAsync("SELECT symbol FROM daily_bars WHERE trading_date = $day", day, ct);

    public Task<IReadOnlySet<string>> SymbolsWithVolumeSlotsAsync(DateOnly day, CancellationToken ct = default) =>
        SymbolsOfDayAsync("SELECT DISTINCT symbol FROM volume_slots WHERE trading_date = $day", day, ct);

    public async Task<VolumeSlotCoverage> VolumeSlotCoverageAsync(DateOnly day, CancellationToken ct = default)
    {
        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT
                (SELECT count(*) FROM volume_slots WHERE trading_date = $day),
                (SELECT count(DISTINCT symbol) FROM volume_slots WHERE trading_date = $day),
                (SELECT count(*) FROM daily_bars WHERE trading_date = $day AND volume > 0),
                (SELECT count(*) FROM daily_bars d WHERE d.trading_date = $day AND d.volume > 0
                    AND EXISTS (SELECT 1 FROM volume_slots v WHERE v.trading_date = $day AND v.symbol = d.symbol))
            """;
        command.Parameters.AddWithValue("$day", day);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new VolumeSlotCoverage(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>A loose index scan: one index probe per present day instead of reading every row of the window.</summary>
    private async Task<IReadOnlyList<DateOnly>> DaysWithRowsAsync(string table, DateOnly firstDay, DateOnly lastDay, CancellationToken ct)
    {
        LoadChecks.Window(firstDay, lastDay);
        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH RECURSIVE days(day) AS (
                SELECT min(trading_date) FROM {table} WHERE trading_date BETWEEN $from AND $to
                UNION ALL
                SELECT (SELECT min(trading_date) FROM {table} WHERE trading_date > days.day AND trading_date <= $to)
                FROM days WHERE days.day IS NOT NULL)
            SELECT day FROM days WHERE day IS NOT NULL ORDER BY day
            """;
        command.Parameters.AddWithValue("$from", firstDay);
        command.Parameters.AddWithValue("$to", lastDay);
        var result = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetFieldValue<DateOnly>(0));
        }

        return result;
    }

    private async Task<IReadOnlyList<DayCount>> CountPerDayAsync(string select, DateOnly firstDay, DateOnly lastDay, CancellationToken ct)
    {
        LoadChecks.Window(firstDay, lastDay);
        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"{select} WHERE trading_date BETWEEN $from AND $to GROUP BY trading_date ORDER BY trading_date";
        command.Parameters.AddWithValue("$from", firstDay);
        command.Parameters.AddWithValue("$to", lastDay);
        var result = new List<DayCount>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new DayCount(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1), (int)reader.GetInt64(2)));
        }

        return result;
    }

    private async Task<IReadOnlySet<string>> SymbolsOfDayAsync(string sql, DateOnly day, CancellationToken ct)
    {
        await using var connection = await database.OpenSqliteAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$day", day);
        var result = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
