// Longer than 250 lines: the bench's physical floors (not shipped): each measured the same way, side by side.
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Data.Redis;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;
using Maintenance.Data.Storage;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Benchmarks.Bench;

/// <summary>One floor: the least this machine needs for a piece of a step's work, measured on the bench's own data.</summary>
/// <param name="Count">How many units were handled (<paramref name="Unit"/>: bars, rows, fields, bytes, ...).</param>
public sealed record FloorMeasure(string Name, string What, long Count, string Unit, double Seconds)
{
    public double PerSecond => Seconds > 0 ? Count / Seconds : 0;
}

/// <summary>What a step would take at the floor: <see cref="SecondsPerUnit"/> times the step's rows or keys.</summary>
/// <param name="Basis">The floor measures it adds up, e.g. <c>parse_daily_files + copy_daily_bars</c>.</param>
public sealed record StepFloor(string Basis, double SecondsPerUnit);

/// <summary>
/// The floors of the bench's work, measured with nothing else of the bench running: reading and parsing the flat
/// files (the FlatFiles reader, and gunzip alone), a raw Npgsql binary COPY of the same rows into tables without any
/// index, reading them back by binary COPY, and pipelined Redis writes of the same hash fields and keys.
/// </summary>
public sealed class Floors
{
    /// <summary>The RVOL lookback the services run with by default: the days whose slots LoadVolumeSlots loads.</summary>
    public const int RvolLookbackDays = 5;

    private const int FieldsPerCommand = 1024;
    private const int KeysPerRound = 1000;
    private const string KeyPrefix = "bench:floor:";

    private readonly Dictionary<string, FloorMeasure> _byName;

    private Floors(List<FloorMeasure> measures)
    {
        Measures = measures;
        _byName = measures.ToDictionary(m => m.Name, StringComparer.Ordinal);
    }

    /// <summary>No floors (their measurement failed): steps get no ratio.</summary>
    public static Floors None { get; } = new([]);

    public IReadOnlyList<FloorMeasure> Measures { get; }

    /// <summary>
    /// The physical floor of a step's work per unit of its rows or keys (see <see cref="StepWork"/>): gunzip, the
    /// minimal parse on all cores, binary COPY in or out, pipelined Redis writes; nothing of the project's code.
    /// A next day's load-ohlc adds one day to a table that holds the window and its keys, which a bulk load's cost per
    /// row does not show: its floor is that COPY, measured. Null for steps without one.
    /// </summary>
    public StepFloor? For(string step, string run) =>
        step == "load-ohlc" && run == BenchReport.NextDay ? NextDayDailyBars() : For(step);

    /// <summary>The floor of a step's work in a first run (the bulk loads' cost per row).</summary>
    public StepFloor? For(string step) => step switch
    {
        "load-ohlc" => PerUnit(["gunzip_daily_files", "minimal_parse_daily_all_cores", "copy_daily_bars", "key_daily_bars"], "copy_daily_bars"),
        "load-volume-slots" => PerUnit(["gunzip_minute_files", "minimal_parse_minute_all_cores", "copy_volume_slots", "key_volume_slots"], "copy_volume_slots"),
        "calculate-atr" => PerUnit(["read_daily_bars", "redis_atr_hash"], "redis_atr_hash"),
        "calculate-rvol" => PerUnit(["read_volume_slots", "redis_rvol_hashes"], "redis_rvol_keys"),
        "sync-redis" => PerUnit(["read_average_rows", "redis_metadata_keys", "redis_avg_volume_keys"], "redis_metadata_keys"),
        _ => null,
    };

    /// <summary>
    /// The earlier floors, which read the files with the project's own reader and slot aggregation, and sync-redis's
    /// SETs alone (before the rows it reads were counted).
    /// </summary>
    public StepFloor? WithReader(string step) => step switch
    {
        "sync-redis" => PerUnit(["redis_metadata_keys"], "redis_metadata_keys"),
        "load-ohlc" => PerUnit(["parse_daily_files", "copy_daily_bars"], "copy_daily_bars"),
        "load-volume-slots" => PerUnit(["parse_minute_files", "aggregate_slots", "copy_volume_slots"], "copy_volume_slots"),
        _ => For(step),
    };

    /// <summary>
    /// Measures the floors of a first run's work (its tables are kept from autovacuum, which would otherwise run on
    /// millions of fresh rows beside the measurements that follow): the window's day files and the RVOL lookback's minute files (the
    /// days LoadVolumeSlots loads) are read, copied and read back; the target day's values are written to Redis.
    /// </summary>
    public static async Task<Floors> MeasureAsync(BenchSampleData data, string postgres, string redis, Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(progress);
        var measures = new List<FloorMeasure>();
        var target = data.TargetDay;
        var source = new FlatFilesSource(data.Layout, TradingCalendar.Nyse);
        var slotDays = data.MinuteDays.TakeLast(RvolLookbackDays).ToList();
        List<TickerVolumeSlots> targetSlots;
        List<DailyBar> bars;
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync(ct);
            progress($"minute files of {slotDays.Count} days: gunzip, read, aggregate, COPY");
            var minuteFiles = slotDays.Select(d => data.Layout.FindMinuteAggregates(d) ?? throw new InvalidOperationException($"No minute file for {d:yyyy-MM-dd}.")).ToList();
            measures.Add(Gunzip("gunzip_minute_files", $"gunzip alone of the {minuteFiles.Count} minute files (bytes out)", minuteFiles));
            measures.AddRange(MinimalParses("minimal_parse_minute", $"the {minuteFiles.Count} minute files", minuteFiles));
            (var minuteMeasures, targetSlots) = await SlotFloorsAsync(source, connection, slotDays, ct);
            measures.AddRange(minuteMeasures);

            progress($"day files of {data.Window.Count} days: gunzip, read, COPY");
            var dayFiles = data.Window.Select(d => data.Layout.FindDayAggregates(d) ?? throw new InvalidOperationException($"No day file for {d:yyyy-MM-dd}.")).ToList();
            measures.Add(Gunzip("gunzip_daily_files", $"gunzip alone of the {dayFiles.Count} day files (bytes out)", dayFiles));
            measures.AddRange(MinimalParses("minimal_parse_daily", $"the {dayFiles.Count} day files", dayFiles));
            (var parseDaily, bars) = await ParseDailyAsync(source, data.Window, ct);
            measures.Add(parseDaily);
            // The window up to D-1 in bulk with its keys built after, then D added to it: a first run, then a next day.
            var history = bars.Where(b => b.Date != target).ToList();
            measures.Add(await Task.Run(() => CopyDailyBars(connection, history), ct));
            measures.Add(await Task.Run(() => KeyDailyBars(connection, history.Count), ct));
            measures.Add(await Task.Run(() => CopyDayIntoKeyedBars(connection, bars.Where(b => b.Date == target).ToList()), ct));

            progress("reading back by COPY");
            measures.Add(await Task.Run(() => ReadBack(connection, "read_daily_bars", "binary COPY out of the window's daily bars", "floor_daily_bars", ReadDailyRow), ct));
            var sessions = data.Window.TakeLast(VolumeAverages.LongWindow).ToList();
            measures.AddRange(await Task.Run(() => ReadAverageRows(connection, sessions[0], sessions[^1]), ct));
            measures.Add(await Task.Run(() => ReadBack(connection, "read_volume_slots", $"binary COPY out of the {slotDays.Count} days' volume slots", "floor_volume_slots", ReadSlotRow), ct));
            await using var drop = new NpgsqlCommand("DROP TABLE floor_daily_bars; DROP TABLE floor_volume_slots; DROP TABLE floor_average_rows", connection);
            await drop.ExecuteNonQueryAsync(ct);
        }

        progress("pipelined Redis writes");
        var options = ConfigurationOptions.Parse(redis);
        // Megabytes in flight on a busy machine take longer than the default 5 s to be answered.
        options.AsyncTimeout = (int)TimeSpan.FromMinutes(1).TotalMilliseconds;
        await using (var multiplexer = await ConnectionMultiplexer.ConnectAsync(options))
        {
            var db = multiplexer.GetDatabase();
            var targetBars = bars.Where(b => b.Date == target).ToList();
            measures.Add(await WriteAtrHashAsync(db, targetBars));
            measures.AddRange(await WriteRvolHashesAsync(db, targetSlots));
            measures.Add(await WriteMetadataAsync(db, targetBars, target));
            measures.Add(await WriteAvgVolumeAsync(db, targetBars));
            await DeleteFloorKeysAsync(multiplexer, db, ct);
        }

        return new Floors(measures);
    }

    /// <summary>The day's file read (gunzip and minimal parse, per row of all the day files) and its rows copied into the keyed window.</summary>
    private StepFloor? NextDayDailyBars()
    {
        string[] names = ["gunzip_daily_files", "minimal_parse_daily_all_cores", "copy_daily_bars_next_day"];
        if (!names.All(_byName.ContainsKey) || _byName[names[1]].Count == 0 || _byName[names[2]].Count == 0)
        {
            return null;
        }

        var read = (_byName[names[0]].Seconds + _byName[names[1]].Seconds) / _byName[names[1]].Count;
        return new StepFloor(string.Join(" + ", names), read + (_byName[names[2]].Seconds / _byName[names[2]].Count));
    }

    private StepFloor? PerUnit(string[] names, string countedBy) =>
        names.Append(countedBy).All(_byName.ContainsKey) && _byName[countedBy].Count > 0
            ? new StepFloor(string.Join(" + ", names), names.Sum(n => _byName[n].Seconds) / _byName[countedBy].Count)
            : null;

    private static FloorMeasure Gunzip(string name, string what, List<string> files)
    {
        var buffer = new byte[1 << 20];
        long bytes = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var file in files)
        {
            using var stream = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                bytes += read;
            }
        }

        return new FloorMeasure(name, what, bytes, "bytes", Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>The minimal span parse of each file, decompressed beforehand, on one core and then on all of them.</summary>
    private static List<FloorMeasure> MinimalParses(string name, string what, List<string> files)
    {
        var cores = Environment.ProcessorCount;
        long rows = 0;
        var one = TimeSpan.Zero;
        var all = TimeSpan.Zero;
        byte[]? buffer = null;
        foreach (var file in files)
        {
            var text = MinimalParse.Decompress(file, ref buffer);
            var started = Stopwatch.GetTimestamp();
            var single = MinimalParse.OneCore(text.Span);
            one += Stopwatch.GetElapsedTime(started);
            started = Stopwatch.GetTimestamp();
            var parallel = MinimalParse.AllCores(text, cores);
            all += Stopwatch.GetElapsedTime(started);
            if (single.Rows != parallel.Rows)
            {
                throw new InvalidOperationException($"The minimal parse of {file} found {single.Rows} rows on one core and {parallel.Rows} on {cores}.");
            }

            rows += single.Rows;
        }

        return
        [
            new FloorMeasure(name + "_one_core", $"minimal span parse of {what}, one core", rows, "rows", one.TotalSeconds),
            new FloorMeasure(name + "_all_cores", $"minimal span parse of {what}, {cores} cores", rows, "rows", all.TotalSeconds),
        ];
    }

    /// <summary>
    /// Day by day: the FlatFiles reader over the minute file, the slot aggregation of each ticker (timed apart), a
    /// binary COPY of the day's slot rows into a table without index, and the primary key of the day's rows built in
    /// one pass, as the day's partition must have it. Only the last day's slots are kept.
    /// </summary>
    private static async Task<(List<FloorMeasure> Measures, List<TickerVolumeSlots> LastDay)> SlotFloorsAsync(
        FlatFilesSource source, NpgsqlConnection connection, List<DateOnly> days, CancellationToken ct)
    {
        Execute(connection, """
            DROP TABLE IF EXISTS floor_volume_slots;
            CREATE TABLE floor_volume_slots (trading_date date NOT NULL, symbol text NOT NULL, slot smallint NOT NULL,
                volume bigint NOT NULL, accumulated_volume bigint NOT NULL, trades integer NOT NULL) WITH (autovacuum_enabled = false)
            """);
        long bars = 0;
        long rows = 0;
        var reading = TimeSpan.Zero;
        var aggregating = TimeSpan.Zero;
        var copying = TimeSpan.Zero;
        var keying = TimeSpan.Zero;
        var slots = new List<TickerVolumeSlots>();
        foreach (var day in days)
        {
            slots = new List<TickerVolumeSlots>(16_384);
            var started = Stopwatch.GetTimestamp();
            var dayAggregating = TimeSpan.Zero;
            await foreach (var ticker in source.ReadMinuteBarsAsync(day, new SkippedRows(), ct))
            {
                bars += ticker.Bars.Length;
                var aggregateStarted = Stopwatch.GetTimestamp();
                var tickerSlots = VolumeSlots.Aggregate(ticker);
                dayAggregating += Stopwatch.GetElapsedTime(aggregateStarted);
                if (tickerSlots.Length > 0)
                {
                    slots.Add(new TickerVolumeSlots(ticker.Symbol, ticker.Date, tickerSlots));
                }
            }

            reading += Stopwatch.GetElapsedTime(started) - dayAggregating;
            aggregating += dayAggregating;
            var dayRows = slots.Sum(t => (long)t.Slots.Length);
            var copyStarted = Stopwatch.GetTimestamp();
            await Task.Run(() => CopyVolumeSlots(connection, day, slots), ct);
            copying += Stopwatch.GetElapsedTime(copyStarted);
            keying += await Task.Run(() => KeyVolumeSlotDay(connection, day), ct);
            rows += dayRows;
        }

        return (
            [
                new FloorMeasure("parse_minute_files", $"FlatFiles reader over the {days.Count} minute files", bars, "bars", reading.TotalSeconds),
                new FloorMeasure("aggregate_slots", "minute bars to five-minute slots (Core VolumeSlots)", rows, "rows", aggregating.TotalSeconds),
                new FloorMeasure("copy_volume_slots", "binary COPY of those slot rows into a table without index", rows, "rows", copying.TotalSeconds),
                new FloorMeasure("key_volume_slots", "the primary key of each day's slot rows, built after the COPY", rows, "rows", keying.TotalSeconds),
            ],
            slots);
    }

    private static async Task<(FloorMeasure Measure, List<DailyBar> Bars)> ParseDailyAsync(FlatFilesSource source, IReadOnlyList<DateOnly> window, CancellationToken ct)
    {
        var bars = new List<DailyBar>();
        var started = Stopwatch.GetTimestamp();
        foreach (var day in window)
        {
            bars.AddRange((await source.GetDailyBarsAsync(day, ct)).Bars);
        }

        return (new FloorMeasure("parse_daily_files", $"FlatFiles reader over the {window.Count} day files", bars.Count, "bars", Stopwatch.GetElapsedTime(started).TotalSeconds), bars);
    }

    private static FloorMeasure CopyDailyBars(NpgsqlConnection connection, List<DailyBar> bars)
    {
        Execute(connection, """
            DROP TABLE IF EXISTS floor_daily_bars;
            CREATE TABLE floor_daily_bars (symbol text NOT NULL, trading_date date NOT NULL,
                open double precision NOT NULL, high double precision NOT NULL, low double precision NOT NULL, close double precision NOT NULL,
                volume bigint NOT NULL, vwap double precision, trades integer NOT NULL) WITH (autovacuum_enabled = false)
            """);
        var started = Stopwatch.GetTimestamp();
        ImportDailyBars(connection, bars);
        return new FloorMeasure("copy_daily_bars", "binary COPY of the window's daily bars into a table without index", bars.Count, "rows", Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>
    /// One day's bars copied into the window's table, which holds the other days and its keys: the least of three
    /// tries (a few hundredths of a second, so one try is mostly noise), the first two rolled back, the last committed.
    /// </summary>
    private static FloorMeasure CopyDayIntoKeyedBars(NpgsqlConnection connection, List<DailyBar> bars)
    {
        // Statistics as the step's table has them after its first run (not timed).
        Execute(connection, "ANALYZE floor_daily_bars");
        var least = TimeSpan.MaxValue;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            using var transaction = connection.BeginTransaction();
            ImportDailyBars(connection, bars);
            if (attempt < 3)
            {
                transaction.Rollback();
            }
            else
            {
                transaction.Commit();
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            least = elapsed < least ? elapsed : least;
        }

        return new FloorMeasure("copy_daily_bars_next_day", "binary COPY of the target day's bars into that table, its keys in place, and its end (least of 3)", bars.Count, "rows", least.TotalSeconds);
    }

    private static void ImportDailyBars(NpgsqlConnection connection, List<DailyBar> bars)
    {
        using (var importer = connection.BeginBinaryImport("COPY floor_daily_bars (symbol, trading_date, open, high, low, close, volume, vwap, trades) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var bar in bars)
            {
                importer.StartRow();
                importer.Write(bar.Symbol, NpgsqlDbType.Text);
                importer.Write(bar.Date, NpgsqlDbType.Date);
                importer.Write(bar.Open, NpgsqlDbType.Double);
                importer.Write(bar.High, NpgsqlDbType.Double);
                importer.Write(bar.Low, NpgsqlDbType.Double);
                importer.Write(bar.Close, NpgsqlDbType.Double);
                importer.Write(bar.Volume, NpgsqlDbType.Bigint);
                if (bar.Vwap is { } vwap)
                {
                    importer.Write(vwap, NpgsqlDbType.Double);
                }
                else
                {
                    importer.WriteNull();
                }

                importer.Write(bar.Trades, NpgsqlDbType.Integer);
            }

            importer.Complete();
        }
    }

    /// <summary>
    /// The primary key and date index <c>daily_bars</c> must have, built once over the copied rows: a load leaves them
    /// in place (a first run builds them after its COPY, a new day maintains them row by row, which costs no less).
    /// </summary>
    private static FloorMeasure KeyDailyBars(NpgsqlConnection connection, int rows)
    {
        Execute(connection, "SET maintenance_work_mem = '512MB'");
        var started = Stopwatch.GetTimestamp();
        Execute(connection, "ALTER TABLE floor_daily_bars ADD PRIMARY KEY (symbol, trading_date); CREATE INDEX ON floor_daily_bars (trading_date)");
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Execute(connection, "RESET maintenance_work_mem");
        return new FloorMeasure("key_daily_bars", "the primary key and date index of those daily bars, built after the COPY", rows, "rows", seconds);
    }

    /// <summary>The day's rows set apart (not timed), then its primary key built as the step builds its partition's.</summary>
    private static TimeSpan KeyVolumeSlotDay(NpgsqlConnection connection, DateOnly day)
    {
        Execute(connection, $"""
            DROP TABLE IF EXISTS floor_volume_slot_day;
            CREATE TABLE floor_volume_slot_day WITH (autovacuum_enabled = false) AS SELECT * FROM floor_volume_slots WHERE trading_date = DATE '{day:yyyy-MM-dd}';
            SET maintenance_work_mem = '512MB'
            """);
        var started = Stopwatch.GetTimestamp();
        Execute(connection, "ALTER TABLE floor_volume_slot_day ADD PRIMARY KEY (trading_date, symbol, slot)");
        var elapsed = Stopwatch.GetElapsedTime(started);
        Execute(connection, "RESET maintenance_work_mem; DROP TABLE floor_volume_slot_day");
        return elapsed;
    }

    private static void CopyVolumeSlots(NpgsqlConnection connection, DateOnly day, List<TickerVolumeSlots> tickers)
    {
        using var importer = connection.BeginBinaryImport("COPY floor_volume_slots (trading_date, symbol, slot, volume, accumulated_volume, trades) FROM STDIN (FORMAT BINARY)");
        foreach (var ticker in tickers)
        {
            foreach (var slot in ticker.Slots)
            {
                importer.StartRow();
                importer.Write(day, NpgsqlDbType.Date);
                importer.Write(ticker.Symbol, NpgsqlDbType.Text);
                importer.Write((short)slot.Slot, NpgsqlDbType.Smallint);
                importer.Write(slot.Volume, NpgsqlDbType.Bigint);
                importer.Write(slot.AccumulatedVolume, NpgsqlDbType.Bigint);
                importer.Write(slot.Trades, NpgsqlDbType.Integer);
            }
        }

        importer.Complete();
    }

    /// <param name="source">A table, or a query in parentheses.</param>
    private static FloorMeasure ReadBack(NpgsqlConnection connection, string name, string what, string source, Action<NpgsqlBinaryExporter> readRow)
    {
        long rows = 0;
        var started = Stopwatch.GetTimestamp();
        using (var exporter = connection.BeginBinaryExport($"COPY {source} TO STDOUT (FORMAT BINARY)"))
        {
            while (exporter.StartRow() != -1)
            {
                readRow(exporter);
                rows++;
            }
        }

        return new FloorMeasure(name, what, rows, "rows", Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>
    /// What sync-redis reads for the averages: the last 30 sessions' symbol, date, volume and close, by the same
    /// selection from the window's table (its date index, the other days beside them); and, as the floor was before,
    /// copied out of a table holding only those rows.
    /// </summary>
    private static List<FloorMeasure> ReadAverageRows(NpgsqlConnection connection, DateOnly firstSession, DateOnly lastSession)
    {
        static void Row(NpgsqlBinaryExporter row)
        {
            _ = row.Read<string>(NpgsqlDbType.Text);
            _ = row.Read<DateOnly>(NpgsqlDbType.Date);
            _ = row.Read<long>(NpgsqlDbType.Bigint);
            _ = row.Read<double>(NpgsqlDbType.Double);
        }

        var selection = $"SELECT symbol, trading_date, volume, close FROM floor_daily_bars WHERE trading_date BETWEEN '{firstSession:yyyy-MM-dd}' AND '{lastSession:yyyy-MM-dd}'";
        var sessions = $"the last {VolumeAverages.LongWindow} sessions' daily bars";
        // The least of three reads: a tenth of a second, so one read is mostly noise.
        var read = Enumerable.Range(0, 3)
            .Select(_ => ReadBack(connection, "read_average_rows", $"binary COPY out of the symbol, date, volume and close of {sessions}, selected from the window's table (least of 3)", $"({selection})", Row))
            .MinBy(m => m.Seconds)!;
        Execute(connection, $"DROP TABLE IF EXISTS floor_average_rows; CREATE TABLE floor_average_rows WITH (autovacuum_enabled = false) AS {selection}");
        var apart = ReadBack(connection, "read_average_rows_apart", $"the same out of a table holding only them (the floor until 2026-11-30)", "floor_average_rows", Row);
        return [read, apart];
    }

    private static void ReadDailyRow(NpgsqlBinaryExporter row)
    {
        _ = row.Read<string>(NpgsqlDbType.Text);
        _ = row.Read<DateOnly>(NpgsqlDbType.Date);
        for (var i = 0; i < 4; i++)
        {
            _ = row.Read<double>(NpgsqlDbType.Double);
        }

        _ = row.Read<long>(NpgsqlDbType.Bigint);
        if (row.IsNull)
        {
            row.Skip();
        }
        else
        {
            _ = row.Read<double>(NpgsqlDbType.Double);
        }

        _ = row.Read<int>(NpgsqlDbType.Integer);
    }

    private static void ReadSlotRow(NpgsqlBinaryExporter row)
    {
        _ = row.Read<DateOnly>(NpgsqlDbType.Date);
        _ = row.Read<string>(NpgsqlDbType.Text);
        _ = row.Read<short>(NpgsqlDbType.Smallint);
        _ = row.Read<long>(NpgsqlDbType.Bigint);
        _ = row.Read<long>(NpgsqlDbType.Bigint);
        _ = row.Read<int>(NpgsqlDbType.Integer);
    }

    /// <summary>The <c>atr:daily</c> shape: one field per symbol holding <c>{"atr", "atr_percent", "updated"}</c>.</summary>
    private static async Task<FloorMeasure> WriteAtrHashAsync(IDatabase db, List<DailyBar> bars)
    {
        var updated = DateTimeOffset.UtcNow;
        var fields = bars
            .Select(b => new HashEntry(b.Symbol, JsonSerializer.SerializeToUtf8Bytes(new AtrFloorValue(b.High - b.Low, b.Close > 0 ? (b.High - b.Low) / b.Close * 100 : 0, updated), RedisStore.Json)))
            .ToArray();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(fields.Chunk(FieldsPerCommand).Select(chunk => db.HashSetAsync(KeyPrefix + "atr", chunk)));
        return new FloorMeasure("redis_atr_hash", "pipelined HSET of the atr:daily fields (one per symbol)", fields.Length, "fields", Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>The <c>rvol:hist:avg:{SYMBOL}:{days}</c> shape: per symbol, slot → accumulated volume (forward-filled), fields above zero.</summary>
    private static async Task<List<FloorMeasure>> WriteRvolHashesAsync(IDatabase db, List<TickerVolumeSlots> tickers)
    {
        var hashes = new List<(RedisKey Key, HashEntry[] Fields)>(tickers.Count);
        Span<long> accumulated = stackalloc long[VolumeSlots.Count];
        foreach (var ticker in tickers)
        {
            VolumeSlots.FillAccumulated(ticker.Slots, accumulated);
            var fields = new List<HashEntry>(VolumeSlots.Count);
            for (var slot = 0; slot < VolumeSlots.Count; slot++)
            {
                if (accumulated[slot] > 0)
                {
                    fields.Add(new HashEntry(slot, accumulated[slot]));
                }
            }

            hashes.Add((KeyPrefix + "rvol:" + ticker.Symbol, [.. fields]));
        }

        var fieldCount = hashes.Sum(h => (long)h.Fields.Length);
        var started = Stopwatch.GetTimestamp();
        // Rounds of keys, as the task writes them, so the client never holds the whole market's commands unanswered.
        foreach (var round in hashes.Chunk(KeysPerRound))
        {
            await Task.WhenAll(round.Select(h => db.HashSetAsync(h.Key, h.Fields)));
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return
        [
            new FloorMeasure("redis_rvol_hashes", "pipelined HSET of the RVOL hashes, all their fields", fieldCount, "fields", seconds),
            new FloorMeasure("redis_rvol_keys", "the same writes counted in keys", hashes.Count, "keys", seconds),
        ];
    }

    /// <summary>The <c>metadata:ticker:{SYMBOL}</c> JSON strings and the <c>ticker:universe</c> set.</summary>
    private static async Task<FloorMeasure> WriteMetadataAsync(IDatabase db, List<DailyBar> bars, DateOnly day)
    {
        var now = DateTimeOffset.UtcNow;
        var values = bars
            .Select(b => (Key: (RedisKey)(KeyPrefix + "metadata:" + b.Symbol), Json: JsonSerializer.SerializeToUtf8Bytes(new Ticker { Symbol = b.Symbol, Active = true, FirstSeen = day, UpdatedAt = now }, RedisStore.Json)))
            .ToList();
        var started = Stopwatch.GetTimestamp();
        var writes = values.Select(v => (Task)db.StringSetAsync(v.Key, v.Json)).ToList();
        writes.AddRange(bars.Select(b => (RedisValue)b.Symbol).Chunk(FieldsPerCommand).Select(chunk => db.SetAddAsync(KeyPrefix + "universe", chunk)));
        await Task.WhenAll(writes);
        return new FloorMeasure("redis_metadata_keys", "pipelined SET of the metadata:ticker JSON keys and SADD of the universe", values.Count, "keys", Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<FloorMeasure> WriteAvgVolumeAsync(IDatabase db, List<DailyBar> bars)
    {
        var values = bars
            .Select(b => (Key: (RedisKey)(KeyPrefix + "avg_volume:" + b.Symbol), Json: JsonSerializer.SerializeToUtf8Bytes(new AvgVolumeFloorValue(b.Volume, b.Volume, b.Volume))))
            .ToList();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(values.Select(v => db.StringSetAsync(v.Key, v.Json, RedisKeys.DailyCacheTtl)));
        return new FloorMeasure("redis_avg_volume_keys", "pipelined SET with a TTL of the ticker:avg_volume JSON keys", values.Count, "keys", Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task DeleteFloorKeysAsync(ConnectionMultiplexer multiplexer, IDatabase db, CancellationToken ct)
    {
        foreach (var server in multiplexer.GetServers().Where(s => !s.IsReplica))
        {
            var page = new List<object>(1000);
            await foreach (var key in server.KeysAsync(database: -1, pattern: KeyPrefix + "*", pageSize: 1000).WithCancellation(ct))
            {
                page.Add(key);
                if (page.Count == 1000)
                {
                    await db.ExecuteAsync("UNLINK", [.. page]);
                    page.Clear();
                }
            }

            if (page.Count > 0)
            {
                await db.ExecuteAsync("UNLINK", [.. page]);
            }
        }
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private sealed record AtrFloorValue(double Atr, double AtrPercent, DateTimeOffset Updated);

    private sealed record AvgVolumeFloorValue(long AvgVolume30d, long AvgVolume10d, long AvgVolume5d);
}
