using System.Runtime.CompilerServices;
using System.Text;
using Maintenance.Core;
using Npgsql;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Postgres;

public sealed partial class PostgresMarketStore
{
    public async IAsyncEnumerable<Ticker> ReadTickersAsync(bool activeOnly, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT {TickerRows.SelectList} FROM tickers {(activeOnly ? "WHERE active" : "")} ORDER BY symbol", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return TickerRows.Read(reader);
        }
    }

    public async IAsyncEnumerable<DailyBar> ReadDailyBarsAsync(DateOnly day, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT symbol, trading_date, open, high, low, close, volume, vwap, trades FROM daily_bars WHERE trading_date = @day ORDER BY symbol",
            connection);
        command.Parameters.AddWithValue("day", day);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return DailyBarRows.Read(reader);
        }
    }

    public IAsyncEnumerable<DailyBarHistory> ReadDailyBarHistoryAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default) =>
        ReadDailyBarHistoryAsync(firstDay, lastDay, symbols: null, ct);

    public async IAsyncEnumerable<DailyBarHistory> ReadDailyBarHistoryAsync(DateOnly firstDay, DateOnly lastDay, IReadOnlyCollection<string>? symbols, [EnumeratorCancellation] CancellationToken ct = default)
    {
        LoadChecks.Window(firstDay, lastDay);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            SELECT symbol, trading_date, open, high, low, close, volume, vwap, trades FROM daily_bars
            WHERE trading_date BETWEEN @from AND @to {(symbols is null ? "" : "AND symbol = ANY(@symbols)")} ORDER BY symbol, trading_date
            """, connection);
        command.Parameters.AddWithValue("from", firstDay);
        command.Parameters.AddWithValue("to", lastDay);
        if (symbols is not null)
        {
            command.Parameters.AddWithValue("symbols", symbols.ToArray());
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        await foreach (var history in DailyBarRows.GroupBySymbolAsync(reader, ct))
        {
            yield return history;
        }
    }

    public async IAsyncEnumerable<TickerVolumeSlots> ReadVolumeSlotsAsync(DateOnly day, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var history in ReadVolumeSlotHistoryAsync([day], symbols: null, ct))
        {
            yield return history.Days[0];
        }
    }

    /// <remarks>
    /// One ordered index scan per day (its partition's primary key: day, symbol, slot), merged by the server on
    /// (symbol, slot) in a Merge Append, so rows stream out from the first one, grouped by symbol, each day's slots in
    /// order (the days of a symbol interleave; <see cref="VolumeSlotGrouping"/> sorts them apart). Left to itself the
    /// planner preferred a parallel scan and an on-disk sort of every row before the first one (seconds on a full market,
    /// worse on partitions not analyzed yet): parallel plans, sorts and JIT are turned off for this one query.
    /// </remarks>
    public async IAsyncEnumerable<VolumeSlotHistory> ReadVolumeSlotHistoryAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string>? symbols = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(days);
        var ordered = days.Distinct().Order().ToArray();
        if (ordered.Length == 0)
        {
            yield break;
        }

        var filter = symbols is null ? "" : " AND symbol = ANY(@symbols)";
        var sql = new StringBuilder("SELECT * FROM (");
        for (var i = 0; i < ordered.Length; i++)
        {
            sql.Append(i == 0 ? "" : " UNION ALL ")
                .Append("(SELECT symbol, trading_date, slot, volume, accumulated_volume, trades FROM volume_slots WHERE trading_date = @d")
                .Append(i).Append(filter).Append(" ORDER BY symbol, slot)");
        }

        sql.Append(") AS days ORDER BY symbol, slot");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        await using (var settings = new NpgsqlCommand("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; SET LOCAL enable_sort = off", connection, transaction))
        {
            await settings.ExecuteNonQueryAsync(ct);
        }

        await using var command = new NpgsqlCommand(sql.ToString(), connection, transaction);
        for (var i = 0; i < ordered.Length; i++)
        {
            command.Parameters.AddWithValue("d" + i, ordered[i]);
        }

        if (symbols is not null)
        {
            command.Parameters.AddWithValue("symbols", symbols.ToArray());
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        var grouping = new VolumeSlotGrouping();
        while (await reader.ReadAsync(ct))
        {
            var finished = grouping.Add(
                reader.GetString(0),
                reader.GetFieldValue<DateOnly>(1),
                new VolumeSlot(reader.GetInt16(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt32(5)));
            if (finished is not null)
            {
                yield return finished;
            }
        }

        if (grouping.Finish() is { } last)
        {
            yield return last;
        }
    }

    public async IAsyncEnumerable<AtrValue> ReadAtrValuesAsync(DateOnly day, int period, string method, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT symbol, atr, atr_percent FROM atr_values
            WHERE trading_date = @day AND period = @period AND method = @method ORDER BY symbol
            """, connection);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("period", period);
        command.Parameters.AddWithValue("method", method);
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
        SymbolsOfDayAsync("SELECT symbol FROM daily_bars WHERE trading_date = @day", day, ct);

    public Task<IReadOnlySet<string>> SymbolsWithVolumeSlotsAsync(DateOnly day, CancellationToken ct = default) =>
        SymbolsOfDayAsync("SELECT DISTINCT symbol FROM volume_slots WHERE trading_date = @day", day, ct);

    /// <remarks>The tickers by a loose index scan (one probe per symbol), the covered symbols by one probe per daily bar.</remarks>
    public async Task<VolumeSlotCoverage> VolumeSlotCoverageAsync(DateOnly day, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""
            WITH RECURSIVE symbols(symbol) AS (
                SELECT min(symbol) FROM volume_slots WHERE trading_date = @day
                UNION ALL
                SELECT (SELECT min(v.symbol) FROM volume_slots v WHERE v.trading_date = @day AND v.symbol > s.symbol)
                FROM symbols s WHERE s.symbol IS NOT NULL)
            SELECT
                (SELECT count(*) FROM volume_slots WHERE trading_date = @day),
                (SELECT count(symbol) FROM symbols),
                (SELECT count(*) FROM daily_bars WHERE trading_date = @day AND volume > 0),
                (SELECT count(*) FROM daily_bars d WHERE d.trading_date = @day AND d.volume > 0
                    AND EXISTS (SELECT 1 FROM volume_slots v WHERE v.trading_date = @day AND v.symbol = d.symbol))
            """, connection);
        command.Parameters.AddWithValue("day", day);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new VolumeSlotCoverage(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>A loose index scan: one index probe per present day instead of reading every row of the window.</summary>
    private async Task<IReadOnlyList<DateOnly>> DaysWithRowsAsync(string table, DateOnly firstDay, DateOnly lastDay, CancellationToken ct)
    {
        LoadChecks.Window(firstDay, lastDay);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            WITH RECURSIVE days(day) AS (
                SELECT min(trading_date) FROM {table} WHERE trading_date BETWEEN @from AND @to
                UNION ALL
                SELECT (SELECT min(trading_date) FROM {table} WHERE trading_date > days.day AND trading_date <= @to)
                FROM days WHERE days.day IS NOT NULL)
            SELECT day FROM days WHERE day IS NOT NULL ORDER BY day
            """, connection);
        command.Parameters.AddWithValue("from", firstDay);
        command.Parameters.AddWithValue("to", lastDay);
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
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"{select} WHERE trading_date BETWEEN @from AND @to GROUP BY trading_date ORDER BY trading_date", connection);
        command.Parameters.AddWithValue("from", firstDay);
        command.Parameters.AddWithValue("to", lastDay);
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
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("day", day);
        var result = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
