// Longer than 250 lines: one IMarketStore for SQLite (its reads in Storage/MarketReads.cs with the SQLite dialect in SqliteMarketStore.Reads.cs, the tickers table in SqliteMarketStore.Tickers.cs); the bulk writes share one connection discipline.
using System.Diagnostics;
using Maintenance.Core;
using Maintenance.Data.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Maintenance.Data.Sqlite;

/// <summary>
/// The market-data tables in the embedded profile's SQLite file: each load is one write transaction of prepared
/// statements; a replace deletes its scope first and inserts the load, so a failure rolls back to the old rows.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite's async methods run synchronously anyway, so the per-row statements call the synchronous
/// ones and skip a Task per row.
/// </remarks>
public sealed partial class SqliteMarketStore(MaintenanceDatabase database, TimeProvider time, ILogger<SqliteMarketStore> logger) : IMarketStore
{
    private const int PrimaryKeyViolation = 1555;

    private const string InsertDailyBar = """
        INSERT INTO daily_bars (symbol, trading_date, open, high, low, close, volume, vwap, trades)
        VALUES ($symbol, $trading_date, $open, $high, $low, $close, $volume, $vwap, $trades)
        """;

    private const string UpsertDailyBar = InsertDailyBar + """

        ON CONFLICT (symbol, trading_date) DO UPDATE SET
            open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
            volume = excluded.volume, vwap = excluded.vwap, trades = excluded.trades
        WHERE (daily_bars.open, daily_bars.high, daily_bars.low, daily_bars.close, daily_bars.volume, daily_bars.vwap, daily_bars.trades)
            IS NOT (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume, excluded.vwap, excluded.trades)
        """;

    public Task<long> ReplaceDailyBarsAsync(DateOnly day, IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bars);
        return InLoadTransactionAsync("daily_bars", day, async (connection, transaction) =>
        {
            Execute(connection, transaction, "DELETE FROM daily_bars WHERE trading_date = $day", ("$day", day));
            return await WriteDailyBarsAsync(connection, transaction, InsertDailyBar, bars, day, ct);
        }, ct);
    }

    public Task<long> AddDailyBarsDaysAsync(IReadOnlyCollection<DateOnly> days, IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(bars);
        var wanted = days.ToHashSet();
        return InLoadTransactionAsync("daily_bars", day: null, async (connection, transaction) =>
        {
            foreach (var day in wanted.Order())
            {
                using var stored = connection.CreateCommand();
                stored.Transaction = transaction;
                stored.CommandText = "SELECT EXISTS (SELECT 1 FROM daily_bars WHERE trading_date = $day)";
                stored.Parameters.AddWithValue("$day", day);
                if (Convert.ToInt64(stored.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0)
                {
                    throw new InvalidOperationException($"daily_bars already holds {day:yyyy-MM-dd}: only days without bars are added this way; nothing was written.");
                }
            }

            return await WriteDailyBarsAsync(connection, transaction, InsertDailyBar, LoadChecks.OnDays(bars, wanted, "daily_bars"), day: null, ct);
        }, ct);
    }

    public Task<long> UpsertDailyBarsAsync(IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bars);
        return InLoadTransactionAsync("daily_bars", day: null,
            (connection, transaction) => WriteDailyBarsAsync(connection, transaction, UpsertDailyBar, bars, day: null, ct), ct);
    }

    public Task<long> ReplaceVolumeSlotsAsync(DateOnly day, IAsyncEnumerable<TickerVolumeSlots> tickers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        return InLoadTransactionAsync("volume_slots", day, async (connection, transaction) =>
        {
            Execute(connection, transaction, "DELETE FROM volume_slots WHERE trading_date = $day", ("$day", day));
            return await WriteVolumeSlotsAsync(connection, transaction, tickers, day, deleteEachTicker: false, ct);
        }, ct);
    }

    public Task<long> ReplaceTickerVolumeSlotsAsync(DateOnly day, IAsyncEnumerable<TickerVolumeSlots> tickers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        return InLoadTransactionAsync("volume_slots", day,
            (connection, transaction) => WriteVolumeSlotsAsync(connection, transaction, tickers, day, deleteEachTicker: true, ct), ct);
    }

    public Task<long> ReplaceAtrValuesAsync(DateOnly day, int period, string method, IAsyncEnumerable<AtrValue> values, CancellationToken ct = default) =>
        ReplaceAtrValuesAsync(day, period, method, values, SymbolShard.All, ct);

    public Task<long> ReplaceAtrValuesAsync(DateOnly day, int period, string method, IAsyncEnumerable<AtrValue> values, SymbolShard shard, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        LoadChecks.Period(period);
        LoadChecks.Method(method);
        return InLoadTransactionAsync("atr_values", day, async (connection, transaction) =>
        {
            if (shard.IsAll)
            {
                Execute(connection, transaction, "DELETE FROM atr_values WHERE trading_date = $day AND period = $period AND method = $method",
                    ("$day", day), ("$period", period), ("$method", method));
            }
            else
            {
                // Only this shard's rows; the shard of a symbol is a hash SQLite does not know, so they are picked here.
                var stored = new List<string>();
                using (var select = Prepare(connection, transaction, "SELECT symbol FROM atr_values WHERE trading_date = $day AND period = $period AND method = $method", "$day", "$period", "$method"))
                {
                    select.Parameters["$day"].Value = day;
                    select.Parameters["$period"].Value = period;
                    select.Parameters["$method"].Value = method;
                    using var reader = select.ExecuteReader();
                    while (reader.Read())
                    {
                        stored.Add(reader.GetString(0));
                    }
                }

                foreach (var symbol in stored.Where(shard.Contains))
                {
                    Execute(connection, transaction, "DELETE FROM atr_values WHERE trading_date = $day AND period = $period AND method = $method AND symbol = $symbol",
                        ("$day", day), ("$period", period), ("$method", method), ("$symbol", symbol));
                }
            }

            using var insert = Prepare(connection, transaction, """
                INSERT INTO atr_values (trading_date, symbol, period, method, atr, atr_percent)
                VALUES ($day, $symbol, $period, $method, $atr, $atr_percent)
                """, "$day", "$symbol", "$period", "$method", "$atr", "$atr_percent");
            var p = insert.Parameters;
            p["$day"].Value = day;
            p["$period"].Value = period;
            p["$method"].Value = method;
            long rows = 0;
            await foreach (var value in values.WithCancellation(ct))
            {
                rows++;
                p["$symbol"].Value = LoadChecks.InShard(LoadChecks.Symbol(value.Symbol, "atr_values", rows), shard, "atr_values");
                p["$atr"].Value = value.Atr;
                p["$atr_percent"].Value = value.AtrPercent;
                ExecuteRow(insert, "atr_values", day, value.Symbol);
            }

            return rows;
        }, ct);
    }

    private static async Task<long> WriteDailyBarsAsync(SqliteConnection connection, SqliteTransaction transaction, string sql,
        IAsyncEnumerable<DailyBar> bars, DateOnly? day, CancellationToken ct)
    {
        using var insert = Prepare(connection, transaction, sql,
            "$symbol", "$trading_date", "$open", "$high", "$low", "$close", "$volume", "$vwap", "$trades");
        var p = insert.Parameters;
        long rows = 0;
        await foreach (var bar in bars.WithCancellation(ct))
        {
            rows++;
            var symbol = LoadChecks.Symbol(bar.Symbol, "daily_bars", rows);
            if (day is { } only)
            {
                LoadChecks.SameDay(only, bar.Date, symbol, "daily_bars");
            }

            p["$symbol"].Value = symbol;
            p["$trading_date"].Value = bar.Date;
            p["$open"].Value = bar.Open;
            p["$high"].Value = bar.High;
            p["$low"].Value = bar.Low;
            p["$close"].Value = bar.Close;
            p["$volume"].Value = bar.Volume;
            p["$vwap"].Value = (object?)bar.Vwap ?? DBNull.Value;
            p["$trades"].Value = bar.Trades;
            ExecuteRow(insert, "daily_bars", bar.Date, symbol);
        }

        return rows;
    }

    private static async Task<long> WriteVolumeSlotsAsync(SqliteConnection connection, SqliteTransaction transaction,
        IAsyncEnumerable<TickerVolumeSlots> tickers, DateOnly day, bool deleteEachTicker, CancellationToken ct)
    {
        using var insert = Prepare(connection, transaction, """
            INSERT INTO volume_slots (trading_date, symbol, slot, volume, accumulated_volume, trades)
            VALUES ($day, $symbol, $slot, $volume, $accumulated_volume, $trades)
            """, "$day", "$symbol", "$slot", "$volume", "$accumulated_volume", "$trades");
        using var deleteTicker = Prepare(connection, transaction,
            "DELETE FROM volume_slots WHERE trading_date = $day AND symbol = $symbol", "$day", "$symbol");
        deleteTicker.Parameters["$day"].Value = day;
        var p = insert.Parameters;
        p["$day"].Value = day;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0;
        long tickerCount = 0;
        await foreach (var ticker in tickers.WithCancellation(ct))
        {
            tickerCount++;
            ArgumentNullException.ThrowIfNull(ticker);
            var symbol = LoadChecks.Symbol(ticker.Symbol, "volume_slots", tickerCount);
            LoadChecks.SameDay(day, ticker.Date, symbol, "volume_slots");
            if (deleteEachTicker)
            {
                if (!seen.Add(symbol))
                {
                    throw new InvalidDataException($"The volume_slots load for {day:yyyy-MM-dd} has {symbol} twice; nothing was written.");
                }

                deleteTicker.Parameters["$symbol"].Value = symbol;
                deleteTicker.ExecuteNonQuery();
            }

            p["$symbol"].Value = symbol;
            foreach (var slot in ticker.Slots)
            {
                p["$slot"].Value = LoadChecks.Slot(slot.Slot, symbol, day);
                p["$volume"].Value = slot.Volume;
                p["$accumulated_volume"].Value = slot.AccumulatedVolume;
                p["$trades"].Value = slot.Trades;
                ExecuteRow(insert, "volume_slots", day, symbol);
                rows++;
            }
        }

        return rows;
    }

    private async Task<long> InLoadTransactionAsync(string table, DateOnly? day,
        Func<SqliteConnection, SqliteTransaction, Task<long>> load, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await database.OpenSqliteAsync(ct);
        // BEGIN IMMEDIATE: take the write lock up front, so the load never fails to upgrade a read lock half-way.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var rows = await load(connection, transaction);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Loaded {Rows} rows into {Table} for {Day} in {ElapsedMs} ms",
            rows, table, day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "any day",
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return rows;
    }

    private static void ExecuteRow(SqliteCommand command, string table, DateOnly day, string symbol)
    {
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode == PrimaryKeyViolation)
        {
            throw new InvalidDataException($"The {table} load for {day:yyyy-MM-dd} has {symbol}'s key more than once; nothing was written.", e);
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
