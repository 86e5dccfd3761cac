// Longer than 250 lines: one IMarketStore for PostgreSQL (its reads in Storage/MarketReads.cs with the PostgreSQL dialect in PostgresMarketStore.Reads.cs, the tickers table in PostgresMarketStore.Tickers.cs); the binary COPY writes share one staging pattern.
using System.Diagnostics;
using Maintenance.Core;
using Maintenance.Data.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Maintenance.Data.Postgres;

/// <summary>
/// The market-data tables on PostgreSQL. A load is streamed by binary COPY into a temporary staging table without
/// indexes, then merged by one INSERT ... ON CONFLICT DO UPDATE that rewrites only rows whose values changed, all in one
/// transaction; "replace" loads first delete the rows of their scope that the load no longer has. A whole day of
/// volume slots, the one load of millions of rows, is built aside as a new day partition and swapped in (see there).
/// </summary>
public sealed partial class PostgresMarketStore(NpgsqlDataSource dataSource, TimeProvider time, ILogger<PostgresMarketStore> logger) : IMarketStore
{
    // The replace-day anti-join hashes the whole load; a day of slots (~2M rows) fits in this, so it does not spill.
    private const string LoadWorkMem = "SET LOCAL work_mem = '256MB'";

    private const string DailyBarsStaging = """
        CREATE TEMP TABLE daily_bars_load (
            symbol text NOT NULL, trading_date date NOT NULL,
            open double precision NOT NULL, high double precision NOT NULL, low double precision NOT NULL, close double precision NOT NULL,
            volume bigint NOT NULL, vwap double precision, trades integer NOT NULL) ON COMMIT DROP
        """;

    private const string DailyBarsMerge = """
        INSERT INTO daily_bars AS d (symbol, trading_date, open, high, low, close, volume, vwap, trades)
        SELECT symbol, trading_date, open, high, low, close, volume, vwap, trades FROM daily_bars_load
        ON CONFLICT (symbol, trading_date) DO UPDATE SET
            open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
            volume = EXCLUDED.volume, vwap = EXCLUDED.vwap, trades = EXCLUDED.trades
        WHERE (d.open, d.high, d.low, d.close, d.volume, d.vwap, d.trades)
            IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume, EXCLUDED.vwap, EXCLUDED.trades)
        """;

    private const string VolumeSlotsStaging = """
        CREATE TEMP TABLE volume_slots_load (
            symbol text NOT NULL, slot smallint NOT NULL,
            volume bigint NOT NULL, accumulated_volume bigint NOT NULL, trades integer NOT NULL) ON COMMIT DROP
        """;

    private const string VolumeSlotsMerge = """
        INSERT INTO volume_slots AS v (trading_date, symbol, slot, volume, accumulated_volume, trades)
        SELECT @day, symbol, slot, volume, accumulated_volume, trades FROM volume_slots_load
        ON CONFLICT (trading_date, symbol, slot) DO UPDATE SET
            volume = EXCLUDED.volume, accumulated_volume = EXCLUDED.accumulated_volume, trades = EXCLUDED.trades
        WHERE (v.volume, v.accumulated_volume, v.trades) IS DISTINCT FROM (EXCLUDED.volume, EXCLUDED.accumulated_volume, EXCLUDED.trades)
        """;

    private const string AtrStaging = """
        CREATE TEMP TABLE atr_values_load (symbol text NOT NULL, atr double precision NOT NULL, atr_percent double precision NOT NULL) ON COMMIT DROP
        """;

    public async Task<long> ReplaceDailyBarsAsync(DateOnly day, IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bars);
        return await InLoadTransactionAsync("daily_bars", day, async connection =>
        {
            if (!await HasDailyBarsAsync(connection, day, ct))
            {
                // Every history day of a fresh install: nothing to merge with, so the rows go straight in (the
                // primary key still refuses a key twice, and the transaction still makes it all or nothing).
                try
                {
                    return await CopyDailyBarsAsync(connection, bars, day, ct, table: "daily_bars");
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    throw new InvalidDataException($"The daily_bars load for day {day:yyyy-MM-dd} has the same key more than once ({e.Detail}); nothing was written.", e);
                }
            }

            await ExecuteAsync(connection, DailyBarsStaging, ct);
            var rows = await CopyDailyBarsAsync(connection, bars, day, ct);
            await ExecuteAsync(connection, "ANALYZE daily_bars_load", ct);
            await ExecuteAsync(connection, """
                DELETE FROM daily_bars d WHERE d.trading_date = @day
                AND NOT EXISTS (SELECT 1 FROM daily_bars_load s WHERE s.symbol = d.symbol)
                """, ct, ("day", day));
            await MergeAsync(connection, DailyBarsMerge, "daily_bars", $"day {day:yyyy-MM-dd}", ct);
            return rows;
        }, ct);
    }

    public async Task<long> AddDailyBarsDaysAsync(IReadOnlyCollection<DateOnly> days, IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(bars);
        var ordered = days.Distinct().Order().ToArray();
        return await InLoadTransactionAsync("daily_bars", day: null, async connection =>
        {
            // The same locks as one day's load, taken in date order so two such loads cannot deadlock.
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended('daily_bars:' || to_char(d, 'YYYY-MM-DD'), 0)) FROM unnest(@days) AS d ORDER BY d", ct, ("days", ordered));
            await using (var stored = new NpgsqlCommand("SELECT min(trading_date) FROM daily_bars WHERE trading_date = ANY(@days)", connection))
            {
                stored.Parameters.AddWithValue("days", ordered);
                if (await stored.ExecuteScalarAsync(ct) is DateOnly taken)
                {
                    throw new InvalidOperationException($"daily_bars already holds {taken:yyyy-MM-dd}: only days without bars are added this way; nothing was written.");
                }
            }

            try
            {
                var keys = await KeysToRebuildAsync(connection, ordered.Length, ct);
                var rows = await CopyDailyBarsAsync(connection, bars, day: null, ct, table: "daily_bars", days: ordered.ToHashSet());
                foreach (var create in keys)
                {
                    await ExecuteAsync(connection, create, ct);
                }

                if (keys.Count > 0)
                {
                    // The table at least doubled: without fresh statistics the next window read (ATR, right after a
                    // first run) is planned for a few thousand rows and sorts the whole window on disk. The columns
                    // the window reads select and order by are enough for that plan, in two thirds of the time.
                    await ExecuteAsync(connection, "ANALYZE daily_bars (symbol, trading_date)", ct);
                }

                return rows;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new InvalidDataException($"The daily_bars load of {ordered.Length} days has the same key more than once ({e.Detail}); nothing was written.", e);
            }
        }, ct);
    }

    /// <summary>
    /// When a load adds at least as many days as <c>daily_bars</c> holds (a first run, a large backfill), its indexes
    /// are dropped for the COPY and built once after it, in the same transaction: measured, maintaining them row by
    /// row took twice as long as the COPY into the bare table plus one sorted build of each. The table is locked
    /// exclusively until the commit (other loads and readers wait; a failure rolls the drop back with the rows).
    /// </summary>
    /// <returns>The statements that build the dropped indexes again (none when they are kept).</returns>
    private static async Task<List<string>> KeysToRebuildAsync(NpgsqlConnection connection, int addedDays, CancellationToken ct)
    {
        await using (var check = new NpgsqlCommand("""
            WITH RECURSIVE days(day) AS (
                SELECT min(trading_date) FROM daily_bars
                UNION ALL
                SELECT (SELECT min(trading_date) FROM daily_bars WHERE trading_date > days.day) FROM days WHERE days.day IS NOT NULL)
            SELECT (SELECT count(day) FROM days),
                   EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = 'daily_bars'::regclass)
            """, connection))
        {
            await using var reader = await check.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            if (addedDays < reader.GetInt64(0) || reader.GetBoolean(1))
            {
                return [];
            }
        }

        await ExecuteAsync(connection, "LOCK TABLE daily_bars IN ACCESS EXCLUSIVE MODE", ct);
        await ExecuteAsync(connection, "SET LOCAL maintenance_work_mem = '512MB'", ct);
        var drops = new List<string>();
        var creates = new List<string>();
        // Constraints first (their indexes go with them), then the plain indexes, each built again from its own definition.
        await using (var definitions = new NpgsqlCommand("""
            SELECT 'ALTER TABLE daily_bars DROP CONSTRAINT ' || quote_ident(conname),
                   'ALTER TABLE daily_bars ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = 'daily_bars'::regclass AND contype IN ('p', 'u')
            UNION ALL
            SELECT 'DROP INDEX ' || i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i WHERE i.indrelid = 'daily_bars'::regclass
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """, connection))
        {
            await using var reader = await definitions.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                drops.Add(reader.GetString(0));
                creates.Add(reader.GetString(1));
            }
        }

        foreach (var drop in drops)
        {
            await ExecuteAsync(connection, drop, ct);
        }

        return creates;
    }

    public async Task<long> UpsertDailyBarsAsync(IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bars);
        return await InLoadTransactionAsync("daily_bars", day: null, async connection =>
        {
            await ExecuteAsync(connection, DailyBarsStaging, ct);
            var rows = await CopyDailyBarsAsync(connection, bars, day: null, ct);
            await MergeAsync(connection, DailyBarsMerge, "daily_bars", "an upsert", ct);
            return rows;
        }, ct);
    }

    /// <remarks>
    /// <c>volume_slots</c> has one partition per trading day. A whole day is replaced by building its new partition
    /// aside (COPY into a bare table, then the primary key in one sorted pass) and swapping it for the old one, all in
    /// one transaction. Measured on a day of 2,000,000 rows this is far faster than the staging-table shape (COPY into
    /// staging, one INSERT ... ON CONFLICT DO UPDATE; see the data benchmark): that shape pays a unique-index probe
    /// and insert per row, and a replay also leaves millions of dead rows behind, where the swap leaves none. Readers
    /// see the old day until the commit; a failure rolls everything back; the advisory lock keeps other loads of the
    /// day out; a key twice in the load fails the key build and is reported as bad data.
    /// Replacing only some tickers keeps the staging shape: it is small, and must leave the others alone.
    /// </remarks>
    public async Task<long> ReplaceVolumeSlotsAsync(DateOnly day, IAsyncEnumerable<TickerVolumeSlots> tickers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        var partition = VolumeSlotPartition(day);
        var building = partition + "_load";
        var iso = IsoDate(day);
        return await InLoadTransactionAsync("volume_slots", day, async connection =>
        {
            // The key build sorts the whole day; in memory it takes a fraction of the time.
            await ExecuteAsync(connection, "SET LOCAL maintenance_work_mem = '512MB'", ct);
            // The day check lets ATTACH trust the rows without scanning them again. The rows are copied frozen (the
            // table is new in this transaction), so the day's checks read its key without visiting the heap.
            // The day comes from a default while the rows are copied: four bytes less per row on the wire.
            await ExecuteAsync(connection, $"""
                CREATE TABLE {building} (LIKE volume_slots INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                    CONSTRAINT ck_{partition}_day CHECK (trading_date = DATE '{iso}'));
                ALTER TABLE {building} ALTER COLUMN trading_date SET DEFAULT DATE '{iso}'
                """, ct);
            var rows = await CopyVolumeSlotsAsync(connection, tickers, day, building, freeze: true, ct);
            try
            {
                await ExecuteAsync(connection, $"""
                    ALTER TABLE {building} ALTER COLUMN trading_date DROP DEFAULT,
                        ADD CONSTRAINT pk_{building} PRIMARY KEY (trading_date, symbol, slot)
                    """, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new InvalidDataException(
                    $"The volume_slots load for {day:yyyy-MM-dd} has the same key more than once ({e.Detail}); nothing was written.", e);
            }

            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {partition}", ct);
            await ExecuteAsync(connection, $"ALTER TABLE {building} RENAME TO {partition}", ct);
            await ExecuteAsync(connection, $"ALTER TABLE {partition} RENAME CONSTRAINT pk_{building} TO pk_{partition}", ct);
            await ExecuteAsync(connection, $"ALTER TABLE volume_slots ATTACH PARTITION {partition} FOR VALUES IN ('{iso}')", ct);
            return rows;
        }, ct);
    }

    public async Task<long> ReplaceTickerVolumeSlotsAsync(DateOnly day, IAsyncEnumerable<TickerVolumeSlots> tickers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        var partition = VolumeSlotPartition(day);
        return await InLoadTransactionAsync("volume_slots", day, async connection =>
        {
            await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {partition} PARTITION OF volume_slots FOR VALUES IN ('{IsoDate(day)}')", ct);
            await ExecuteAsync(connection, VolumeSlotsStaging, ct);
            var rows = await CopyVolumeSlotsAsync(connection, tickers, day, "volume_slots_load", freeze: false, ct);
            await ExecuteAsync(connection, "ANALYZE volume_slots_load", ct);
            await ExecuteAsync(connection, """
                DELETE FROM volume_slots v WHERE v.trading_date = @day AND v.symbol IN (SELECT symbol FROM volume_slots_load)
                AND NOT EXISTS (SELECT 1 FROM volume_slots_load s WHERE s.symbol = v.symbol AND s.slot = v.slot)
                """, ct, ("day", day));
            await MergeAsync(connection, VolumeSlotsMerge, "volume_slots", $"day {day:yyyy-MM-dd}", ct, ("day", day));
            return rows;
        }, ct);
    }

    private static string IsoDate(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The partition of <c>volume_slots</c> that holds <paramref name="day"/>.</summary>
    public static string VolumeSlotPartition(DateOnly day) =>
        "volume_slots_" + day.ToString("yyyy_MM_dd", System.Globalization.CultureInfo.InvariantCulture);

    public Task<long> ReplaceAtrValuesAsync(DateOnly day, int period, string method, IAsyncEnumerable<AtrValue> values, CancellationToken ct = default) =>
        ReplaceAtrValuesAsync(day, period, method, values, SymbolShard.All, ct);

    public async Task<long> ReplaceAtrValuesAsync(DateOnly day, int period, string method, IAsyncEnumerable<AtrValue> values, SymbolShard shard, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        LoadChecks.Period(period);
        LoadChecks.Method(method);
        return await InLoadTransactionAsync("atr_values", day, async connection =>
        {
            var stored = await StoredAtrSymbolsAsync(connection, day, period, method, ct);
            var loaded = new HashSet<string>(StringComparer.Ordinal);
            if (stored.Count == 0)
            {
                // Every new day: nothing to merge with, so the rows go straight in (half the server's work of staging
                // and merging them), the transaction still all or nothing.
                return await CopyAtrValuesAsync(connection, values, shard, day, period, method, staging: false, loaded, ct);
            }

            await ExecuteAsync(connection, AtrStaging, ct);
            var rows = await CopyAtrValuesAsync(connection, values, shard, day, period, method, staging: true, loaded, ct);

            // The stale rows (stored for the day, of this shard, not in the load) are picked here, not by an anti-join
            // with the staging table: planned on statistics from before the day's rows (a fresh table, the other
            // shard's rows just committed), that join ran as a nested loop, 5,000 x 5,000 comparisons in 2 s. The
            // shard of a symbol is a hash the server does not know anyway.
            var key = new (string, object)[] { ("day", day), ("period", period), ("method", method) };
            var stale = stored.Where(s => shard.Contains(s) && !loaded.Contains(s)).ToArray();
            if (stale.Length > 0)
            {
                await ExecuteAsync(connection, "DELETE FROM atr_values a WHERE a.trading_date = @day AND a.period = @period AND a.method = @method AND a.symbol = ANY(@stale)",
                    ct, [.. key, ("stale", stale)]);
            }

            await MergeAsync(connection, """
                INSERT INTO atr_values AS a (trading_date, symbol, period, method, atr, atr_percent)
                SELECT @day, symbol, @period, @method, atr, atr_percent FROM atr_values_load
                ON CONFLICT (trading_date, symbol, period, method) DO UPDATE SET atr = EXCLUDED.atr, atr_percent = EXCLUDED.atr_percent
                WHERE (a.atr, a.atr_percent) IS DISTINCT FROM (EXCLUDED.atr, EXCLUDED.atr_percent)
                """, "atr_values", $"day {day:yyyy-MM-dd}", ct, key);
            return rows;
        }, ct);
    }

    /// <summary>
    /// The values by binary COPY into the staging table, or into <c>atr_values</c> itself with their day, period and
    /// method. Each symbol is checked to be the shard's and to come once (the merge would take a second one whose first
    /// equals the stored row), and added to <paramref name="loaded"/>.
    /// </summary>
    private static async Task<long> CopyAtrValuesAsync(NpgsqlConnection connection, IAsyncEnumerable<AtrValue> values, SymbolShard shard,
        DateOnly day, int period, string method, bool staging, HashSet<string> loaded, CancellationToken ct)
    {
        long rows = 0;
        await using var importer = await connection.BeginBinaryImportAsync(
            staging
                ? "COPY atr_values_load (symbol, atr, atr_percent) FROM STDIN (FORMAT BINARY)"
                : "COPY atr_values (trading_date, period, method, symbol, atr, atr_percent) FROM STDIN (FORMAT BINARY)",
            ct);
        importer.Timeout = TimeSpan.Zero;
        await foreach (var value in values.WithCancellation(ct))
        {
            rows++;
            var symbol = LoadChecks.InShard(LoadChecks.Symbol(value.Symbol, "atr_values", rows), shard, "atr_values");
            if (!loaded.Add(symbol))
            {
                throw new InvalidDataException($"The atr_values load for day {day:yyyy-MM-dd} has {symbol} more than once (row {rows}); nothing was written.");
            }

            await importer.StartRowAsync(ct);
            if (!staging)
            {
                await importer.WriteAsync(day, NpgsqlDbType.Date, ct);
                await importer.WriteAsync(period, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(method, NpgsqlDbType.Text, ct);
            }

            await importer.WriteAsync(symbol, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(value.Atr, NpgsqlDbType.Double, ct);
            await importer.WriteAsync(value.AtrPercent, NpgsqlDbType.Double, ct);
        }

        await importer.CompleteAsync(ct);
        return rows;
    }

    private static async Task<List<string>> StoredAtrSymbolsAsync(NpgsqlConnection connection, DateOnly day, int period, string method, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT symbol FROM atr_values WHERE trading_date = @day AND period = @period AND method = @method", connection);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("period", period);
        command.Parameters.AddWithValue("method", method);
        var stored = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            stored.Add(reader.GetString(0));
        }

        return stored;
    }

    private static async Task<bool> HasDailyBarsAsync(NpgsqlConnection connection, DateOnly day, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM daily_bars WHERE trading_date = @day)", connection);
        command.Parameters.AddWithValue("day", day);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The bars by a raw binary COPY into <paramref name="table"/>; a failure cancels the COPY.</summary>
    /// <param name="day">The one day a replace load may hold, or null.</param>
    /// <param name="days">The days a load of several days may hold, or null (checked here rather than by a wrapping
    /// enumerator: a first run passes ~600,000 bars, and each layer of async enumeration costs per bar).</param>
    private static async Task<long> CopyDailyBarsAsync(NpgsqlConnection connection, IAsyncEnumerable<DailyBar> bars, DateOnly? day, CancellationToken ct,
        string table = "daily_bars_load", IReadOnlySet<DateOnly>? days = null)
    {
        long rows = 0;
        var encoded = new DailyBarCopyRows();
        var copy = await BeginRawCopyAsync(connection, $"COPY {table} (symbol, trading_date, open, high, low, close, volume, vwap, trades) FROM STDIN (FORMAT BINARY)", encoded, ct);
        await using (copy)
        {
            try
            {
                await foreach (var bar in bars.WithCancellation(ct))
                {
                    rows++;
                    var symbol = LoadChecks.Symbol(bar.Symbol, "daily_bars", rows);
                    if (day is { } only)
                    {
                        LoadChecks.SameDay(only, bar.Date, symbol, "daily_bars");
                    }

                    if (days is not null)
                    {
                        LoadChecks.OnDays(days, bar, "daily_bars");
                    }

                    while (!encoded.TryAdd(bar))
                    {
                        await SendAsync(copy, encoded, ct);
                    }
                }

                await EndRawCopyAsync(copy, encoded, ct);
            }
            catch
            {
                await CancelCopyAsync(copy);
                throw;
            }
        }

        return rows;
    }

    /// <summary>
    /// The rows by a raw binary COPY into <paramref name="table"/>'s (symbol, slot, volume, accumulated_volume, trades);
    /// the day is the table's (a default, or the staging table's merge). A failure cancels the COPY.
    /// </summary>
    /// <param name="freeze">The table was created in this transaction: its rows can be written frozen and all-visible.</param>
    private static async Task<long> CopyVolumeSlotsAsync(NpgsqlConnection connection, IAsyncEnumerable<TickerVolumeSlots> tickers, DateOnly day, string table, bool freeze, CancellationToken ct)
    {
        long rows = 0;
        long tickerCount = 0;
        var encoded = new VolumeSlotCopyRows();
        var copy = await BeginRawCopyAsync(connection,
            $"COPY {table} (symbol, slot, volume, accumulated_volume, trades) FROM STDIN (FORMAT BINARY{(freeze ? ", FREEZE" : "")})", encoded, ct);
        await using (copy)
        {
            try
            {
                await foreach (var ticker in tickers.WithCancellation(ct))
                {
                    tickerCount++;
                    ArgumentNullException.ThrowIfNull(ticker);
                    var symbol = LoadChecks.Symbol(ticker.Symbol, "volume_slots", tickerCount);
                    LoadChecks.SameDay(day, ticker.Date, symbol, "volume_slots");
                    encoded.StartTicker(symbol);
                    foreach (var slot in ticker.Slots)
                    {
                        var number = LoadChecks.Slot(slot.Slot, symbol, day);
                        while (!encoded.TryAdd(number, slot.Volume, slot.AccumulatedVolume, slot.Trades))
                        {
                            await SendAsync(copy, encoded, ct);
                        }

                        rows++;
                    }
                }

                await EndRawCopyAsync(copy, encoded, ct);
            }
            catch
            {
                // Ending the COPY normally would have the server take the rows written so far.
                await CancelCopyAsync(copy);
                throw;
            }
        }

        return rows;
    }

    /// <summary>Starts a raw binary COPY; its rows are encoded into <paramref name="encoded"/>, which starts with the header.</summary>
    private static async Task<NpgsqlRawCopyStream> BeginRawCopyAsync(NpgsqlConnection connection, string copyFromStdin, BinaryCopyBuffer encoded, CancellationToken ct)
    {
        var copy = await connection.BeginRawBinaryCopyAsync(copyFromStdin, ct);
        // No limit (zero), as for the importers: the caller's token is the limit.
        copy.WriteTimeout = 0;
        copy.ReadTimeout = 0;
        encoded.Clear();
        encoded.TryAddRaw(BinaryCopyBuffer.Header);
        return copy;
    }

    /// <summary>Hands the encoded rows to the COPY and empties the buffer.</summary>
    private static async Task SendAsync(NpgsqlRawCopyStream copy, BinaryCopyBuffer encoded, CancellationToken ct)
    {
        await copy.WriteAsync(encoded.Pending, ct);
        encoded.Clear();
    }

    /// <summary>Sends the last rows and the trailer; disposing the stream then ends the COPY.</summary>
    private static async Task EndRawCopyAsync(NpgsqlRawCopyStream copy, BinaryCopyBuffer encoded, CancellationToken ct)
    {
        while (!encoded.TryAddRaw(BinaryCopyBuffer.Trailer))
        {
            await SendAsync(copy, encoded, ct);
        }

        await SendAsync(copy, encoded, ct);
    }

    private static async Task CancelCopyAsync(NpgsqlRawCopyStream copy)
    {
        try
        {
            await copy.CancelAsync();
        }
        catch (Exception e) when (e is NpgsqlException or ObjectDisposedException)
        {
            // The COPY had already failed or the connection broke: the transaction rolls back either way, and the
            // first failure is the one to report.
        }
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, type, ct);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct =>
        value is { } present ? importer.WriteAsync(present, type, ct) : importer.WriteNullAsync(ct);

    /// <summary>
    /// One transaction around a load. Loads of the same table and day are serialised by an advisory lock, so two
    /// replays of a day cannot interleave their deletes and merges.
    /// </summary>
    private async Task<long> InLoadTransactionAsync(string table, DateOnly? day, Func<NpgsqlConnection, Task<long>> load, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, LoadWorkMem, ct);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended(@scope, 0))", ct,
            ("scope", day is { } d ? $"{table}:{IsoDate(d)}" : table));
        var rows = await load(connection);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Loaded {Rows} rows into {Table} for {Day} in {ElapsedMs} ms",
            rows, table, day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "any day",
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return rows;
    }

    private static async Task MergeAsync(NpgsqlConnection connection, string sql, string table, string scope, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        try
        {
            await ExecuteAsync(connection, sql, ct, parameters);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CardinalityViolation)
        {
            throw new InvalidDataException($"The {table} load for {scope} has the same key more than once; nothing was written.", e);
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        // A load's statements take as long as the load is big; the caller's token is the limit.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(ct);
    }
}
