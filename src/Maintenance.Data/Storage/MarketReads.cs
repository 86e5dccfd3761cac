// Longer than 250 lines: every read of IMarketStore for both databases, so that the two dialects cannot drift apart.
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Maintenance.Core;

namespace Maintenance.Data.Storage;

/// <summary>
/// The reads of <see cref="IMarketStore"/>, one implementation over ADO.NET for PostgreSQL and SQLite. Both accept
/// <c>@name</c> parameters, DateOnly values and reading dates as DateOnly; what differs is named by the members a
/// store overrides: how it opens a connection, whether a list of symbols is narrowed in SQL, the volume-slot history
/// query (with its plan settings) and the volume-slot coverage query.
/// </summary>
public abstract class MarketReads
{
    private protected MarketReads()
    {
    }

    /// <summary>
    /// The condition on <c>symbol</c> against the parameter <c>@symbols</c> (an array), or null when the dialect has
    /// no array parameter and the rows are picked out here instead.
    /// </summary>
    private protected abstract string? SymbolListCondition { get; }

    /// <summary>Settings run in the volume-slot history query's own transaction before it, or null for none.</summary>
    private protected virtual string? VolumeSlotHistoryPlanSettings => null;

    /// <summary>
    /// One row of (volume_slots rows, symbols with slots, daily bars with volume, of those the ones with slots) for
    /// the parameter <c>@day</c>.
    /// </summary>
    private protected abstract string VolumeSlotCoverageSql { get; }

    public async IAsyncEnumerable<Ticker> ReadTickersAsync(bool activeOnly, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, $"SELECT {TickerRows.SelectList} FROM tickers {(activeOnly ? "WHERE active" : "")} ORDER BY symbol");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return TickerRows.Read(reader);
        }
    }

    public async IAsyncEnumerable<DailyBar> ReadDailyBarsAsync(DateOnly day, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(
            connection,
            "SELECT symbol, trading_date, open, high, low, close, volume, vwap, trades FROM daily_bars WHERE trading_date = @day ORDER BY symbol");
        Add(command, "day", day);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return DailyBarRows.Read(reader);
        }
    }

    public IAsyncEnumerable<DailyBarHistory> ReadDailyBarHistoryAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default) =>
        ReadDailyBarHistoryAsync(firstDay, lastDay, symbols: null, ct);

    public IAsyncEnumerable<DailyBarHistory> ReadDailyBarHistoryAsync(DateOnly firstDay, DateOnly lastDay, IReadOnlyCollection<string>? symbols, CancellationToken ct = default) =>
        ReadWindowBySymbolAsync("open, high, low, close, volume, vwap, trades", firstDay, lastDay, symbols, DailyBarRows.GroupBySymbolAsync, h => h.Symbol, ct);

    /// <remarks>
    /// The rows come in no order (a sort of the window's rows cost more than the whole read); each lands in its
    /// session's place, so the order is the sessions' own. Dates between the sessions (no session) are skipped. The
    /// older and the newer half of the sessions are read side by side, each on its own connection: the database and
    /// the driver then work on two cores, and each row is still read once.
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, VolumeAndClose?[]>> ReadVolumesAndClosesAsync(IReadOnlyList<DateOnly> sessions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0)
        {
            return new Dictionary<string, VolumeAndClose?[]>(StringComparer.Ordinal);
        }

        var position = sessions.Select((day, i) => (day, i)).ToDictionary(s => s.day, s => s.i);
        var ordered = position.Keys.Order().ToArray();
        var half = ordered.Length / 2;
        DateOnly[][] parts = half == 0 ? [ordered] : [ordered[..half], ordered[half..]];
        var read = await Task.WhenAll(parts.Select(part => Task.Run(() => ReadVolumesAndClosesAsync(part[0], part[^1], position, sessions.Count, ct), ct)));
        var result = read[0];
        foreach (var (symbol, bars) in read.Skip(1).SelectMany(r => r))
        {
            if (!result.TryGetValue(symbol, out var merged))
            {
                result[symbol] = bars;
                continue;
            }

            for (var i = 0; i < bars.Length; i++)
            {
                merged[i] ??= bars[i];
            }
        }

        return result;
    }

    private async Task<Dictionary<string, VolumeAndClose?[]>> ReadVolumesAndClosesAsync(DateOnly first, DateOnly last, Dictionary<DateOnly, int> position, int sessions, CancellationToken ct)
    {
        var result = new Dictionary<string, VolumeAndClose?[]>(StringComparer.Ordinal);
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, "SELECT symbol, trading_date, volume, close FROM daily_bars WHERE trading_date BETWEEN @from AND @to");
        Add(command, "from", first);
        Add(command, "to", last);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!position.TryGetValue(reader.GetFieldValue<DateOnly>(1), out var session))
            {
                continue;
            }

            var symbol = reader.GetString(0);
            if (!result.TryGetValue(symbol, out var bars))
            {
                bars = new VolumeAndClose?[sessions];
                result[symbol] = bars;
            }

            bars[session] = new VolumeAndClose(reader.GetInt64(2), reader.GetDouble(3));
        }

        return result;
    }

    /// <remarks>
    /// Half the columns of the bars, and no bar object per row: the ATR reads the whole window of the market.
    /// The rows come in no order: sorting the window by symbol cost the database twice the read itself (an index scan
    /// of 600,000 rows against a sequential one). Each row lands in its date's place in its symbol's window, so the
    /// dates come out in order. The older and the newer half of the window are read side by side, each on its own
    /// connection, as the volumes and closes are; the symbols are handed out once both are in.
    /// </remarks>
    public async IAsyncEnumerable<DailyPriceHistory> ReadDailyPriceHistoryAsync(DateOnly firstDay, DateOnly lastDay, IReadOnlyCollection<string>? symbols, [EnumeratorCancellation] CancellationToken ct = default)
    {
        LoadChecks.Window(firstDay, lastDay);
        var days = lastDay.DayNumber - firstDay.DayNumber + 1;
        var middle = firstDay.AddDays(days / 2);
        (DateOnly First, DateOnly Last)[] halves = days < 2 ? [(firstDay, lastDay)] : [(firstDay, middle.AddDays(-1)), (middle, lastDay)];
        var read = await Task.WhenAll(halves.Select(half => Task.Run(() => ReadPricesAsync(half.First, half.Last, symbols, ct), ct)));
        foreach (var symbol in read.SelectMany(half => half.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            yield return DayPrices.Join(symbol, read.Select(half => half.GetValueOrDefault(symbol)));
        }
    }

    private async Task<Dictionary<string, DayPrices>> ReadPricesAsync(DateOnly first, DateOnly last, IReadOnlyCollection<string>? symbols, CancellationToken ct)
    {
        var (condition, wanted) = NarrowTo(symbols);
        var days = last.DayNumber - first.DayNumber + 1;
        var result = new Dictionary<string, DayPrices>(StringComparer.Ordinal);
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, $"""
            SELECT symbol, trading_date, high, low, close FROM daily_bars
            WHERE trading_date BETWEEN @from AND @to {(condition is null ? "" : "AND " + condition)}
            """);
        Add(command, "from", first);
        Add(command, "to", last);
        AddSymbols(command, condition, symbols);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var symbol = reader.GetString(0);
            if (wanted is not null && !wanted.Contains(symbol))
            {
                continue;
            }

            if (!result.TryGetValue(symbol, out var prices))
            {
                prices = new DayPrices(first, days);
                result[symbol] = prices;
            }

            prices.Add(reader.GetFieldValue<DateOnly>(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4));
        }

        return result;
    }

    /// <summary>The window's daily bars ordered by symbol and date, <paramref name="columns"/> after the symbol and date, grouped per symbol.</summary>
    private async IAsyncEnumerable<T> ReadWindowBySymbolAsync<T>(
        string columns,
        DateOnly firstDay,
        DateOnly lastDay,
        IReadOnlyCollection<string>? symbols,
        Func<DbDataReader, CancellationToken, IAsyncEnumerable<T>> group,
        Func<T, string> symbolOf,
        [EnumeratorCancellation] CancellationToken ct)
    {
        LoadChecks.Window(firstDay, lastDay);
        var (condition, wanted) = NarrowTo(symbols);
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, $"""
            SELECT symbol, trading_date, {columns} FROM daily_bars
            WHERE trading_date BETWEEN @from AND @to {(condition is null ? "" : "AND " + condition)} ORDER BY symbol, trading_date
            """);
        Add(command, "from", firstDay);
        Add(command, "to", lastDay);
        AddSymbols(command, condition, symbols);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await foreach (var history in group(reader, ct))
        {
            if (wanted is null || wanted.Contains(symbolOf(history)))
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

    /// <remarks>
    /// The rows come grouped by symbol, the days of a symbol in any order (<see cref="VolumeSlotGrouping"/> sorts
    /// them apart). The slot is smallint in PostgreSQL and INTEGER in SQLite; both read it as Int16.
    /// </remarks>
    public IAsyncEnumerable<VolumeSlotHistory> ReadVolumeSlotHistoryAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string>? symbols = null, CancellationToken ct = default) =>
        ReadSlotHistoryAsync(days, symbols, accumulatedOnly: false, ct);

    public IAsyncEnumerable<VolumeSlotHistory> ReadAccumulatedVolumeHistoryAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string>? symbols = null, CancellationToken ct = default) =>
        ReadSlotHistoryAsync(days, symbols, accumulatedOnly: true, ct);

    private async IAsyncEnumerable<VolumeSlotHistory> ReadSlotHistoryAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string>? symbols, bool accumulatedOnly, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(days);
        var ordered = days.Distinct().Order().ToArray();
        if (ordered.Length == 0)
        {
            yield break;
        }

        var (condition, wanted) = NarrowTo(symbols);
        await using var connection = await OpenReadConnectionAsync(ct);
        var settings = VolumeSlotHistoryPlanSettings;
        await using var transaction = settings is null ? null : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        if (settings is not null)
        {
            await using var set = Command(connection, settings, transaction);
            await set.ExecuteNonQueryAsync(ct);
        }

        var columns = accumulatedOnly ? "accumulated_volume" : "volume, accumulated_volume, trades";
        await using var command = Command(connection, VolumeSlotHistorySql(ordered.Length, columns, condition), transaction);
        for (var i = 0; i < ordered.Length; i++)
        {
            Add(command, "d" + i, ordered[i]);
        }

        AddSymbols(command, condition, symbols);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var grouping = new VolumeSlotGrouping();
        while (await reader.ReadAsync(ct))
        {
            var slot = accumulatedOnly
                ? new VolumeSlot(reader.GetInt16(2), Volume: 0, reader.GetInt64(3), Trades: 0)
                : new VolumeSlot(reader.GetInt16(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt32(5));
            var finished = grouping.Add(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), slot);
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
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, """
            SELECT symbol, atr, atr_percent FROM atr_values
            WHERE trading_date = @day AND period = @period AND method = @method ORDER BY symbol
            """);
        Add(command, "day", day);
        Add(command, "period", period);
        Add(command, "method", method);
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

    public Task<IReadOnlySet<string>> ActiveSymbolsAsync(CancellationToken ct = default) =>
        SymbolsOfDayAsync("SELECT symbol FROM tickers WHERE active", day: null, ct);

    /// <remarks>The covered tickers by one primary-key probe each (symbol, trading_date).</remarks>
    public async Task<DailyBarCoverage> DailyBarCoverageAsync(DateOnly day, CancellationToken ct = default)
    {
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, """
            SELECT
                (SELECT count(*) FROM daily_bars WHERE trading_date = @day),
                (SELECT count(*) FROM tickers WHERE active),
                (SELECT count(*) FROM tickers t WHERE t.active
                    AND EXISTS (SELECT 1 FROM daily_bars d WHERE d.symbol = t.symbol AND d.trading_date = @day))
            """);
        Add(command, "day", day);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new DailyBarCoverage(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async Task<VolumeSlotCoverage> VolumeSlotCoverageAsync(DateOnly day, CancellationToken ct = default)
    {
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, VolumeSlotCoverageSql);
        Add(command, "day", day);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new VolumeSlotCoverage(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private protected abstract Task<DbConnection> OpenReadConnectionAsync(CancellationToken ct);

    /// <summary>
    /// Rows of (symbol, trading_date, slot, <paramref name="columns"/>) of the days <c>@d0</c> to <c>@d{dayCount - 1}</c>,
    /// grouped by symbol, each day's slots in order; narrowed by <paramref name="symbolCondition"/> when given.
    /// </summary>
    private protected abstract string VolumeSlotHistorySql(int dayCount, string columns, string? symbolCondition);

    /// <summary>A loose index scan: one index probe per present day instead of reading every row of the window.</summary>
    private async Task<IReadOnlyList<DateOnly>> DaysWithRowsAsync(string table, DateOnly firstDay, DateOnly lastDay, CancellationToken ct)
    {
        LoadChecks.Window(firstDay, lastDay);
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, $"""
            WITH RECURSIVE days(day) AS (
                SELECT min(trading_date) FROM {table} WHERE trading_date BETWEEN @from AND @to
                UNION ALL
                SELECT (SELECT min(trading_date) FROM {table} WHERE trading_date > days.day AND trading_date <= @to)
                FROM days WHERE days.day IS NOT NULL)
            SELECT day FROM days WHERE day IS NOT NULL ORDER BY day
            """);
        Add(command, "from", firstDay);
        Add(command, "to", lastDay);
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
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, $"{select} WHERE trading_date BETWEEN @from AND @to GROUP BY trading_date ORDER BY trading_date");
        Add(command, "from", firstDay);
        Add(command, "to", lastDay);
        var result = new List<DayCount>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new DayCount(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1), (int)reader.GetInt64(2)));
        }

        return result;
    }

    /// <param name="day">The value of <c>@day</c>, or null when <paramref name="sql"/> has none.</param>
    private async Task<IReadOnlySet<string>> SymbolsOfDayAsync(string sql, DateOnly? day, CancellationToken ct)
    {
        await using var connection = await OpenReadConnectionAsync(ct);
        await using var command = Command(connection, sql);
        if (day is { } value)
        {
            Add(command, "day", value);
        }

        var result = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    /// <summary>The condition for SQL, or (when the dialect has none) the set to pick the rows out with here.</summary>
    private (string? Condition, HashSet<string>? Wanted) NarrowTo(IReadOnlyCollection<string>? symbols) =>
        symbols is null ? (null, null)
        : SymbolListCondition is { } condition ? (condition, null)
        : (null, symbols.ToHashSet(StringComparer.Ordinal));

    private static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void AddSymbols(DbCommand command, string? condition, IReadOnlyCollection<string>? symbols)
    {
        if (condition is not null && symbols is not null)
        {
            Add(command, "symbols", symbols.ToArray());
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
