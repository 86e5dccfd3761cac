// Longer than 250 lines: one benchmark command (not shipped): its cases and their printed table belong together.
using System.Diagnostics;
using System.Globalization;
using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Data.Redis;
using Maintenance.Data.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Benchmarks;

/// <summary>
/// The data layer's speed: a day of volume slots replaced in PostgreSQL beside a raw binary COPY of the same rows into
/// an unindexed table (the floor) and beside the staging-table upsert shape, RVOL-sized hashes written to Redis beside
/// plain pipelined HSETs, and the same day in the embedded profile's SQLite file.
/// <code>
/// dotnet run -c Release --project src/Maintenance.Benchmarks -- data --postgres "Host=...;Username=..." --redis 127.0.0.1:6379
///     [--rows 2000000] [--hashes 11000] [--fields 192]
/// </code>
/// Without --postgres/--redis the servers named by MAINTENANCE_TEST_POSTGRES / MAINTENANCE_TEST_REDIS are used
/// (scripts/test.sh --servers-only writes them); a missing one is skipped. SQLite always runs. The PostgreSQL connection must be allowed
/// to create a database: the benchmark makes a throwaway one and drops it.
/// </summary>
public static class DataBenchmark
{
    private static readonly DateOnly Day = new(2025, 3, 14);
    private static readonly DateOnly OtherDay = new(2025, 3, 13);
    private static readonly DateOnly WarmUpDay = new(2025, 3, 12);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        if (options is null)
        {
            return 2;
        }

        Console.WriteLine($"data benchmark on {Environment.ProcessorCount} cores");
        if (options.Postgres is null && options.Redis is null)
        {
            Console.WriteLine("no server named (--postgres / --redis, or MAINTENANCE_TEST_POSTGRES / MAINTENANCE_TEST_REDIS): SQLite only");
        }

        await SqliteAsync(options.Rows);
        if (options.Postgres is not null)
        {
            await PostgresAsync(options.Postgres, options.Rows);
        }

        if (options.Redis is not null)
        {
            await RedisAsync(options.Redis, options.Hashes, options.Fields);
        }

        return 0;
    }

    private static async Task PostgresAsync(string adminConnectionString, int rows)
    {
        var tickers = VolumeSlotDay(rows);
        var rowCount = tickers.Sum(t => (long)t.Slots.Length);
        var database = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await AdminAsync(adminConnectionString, $"CREATE DATABASE \"{database}\"");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString })
                .Build();
            await using var services = new ServiceCollection().AddLogging().AddMaintenanceData(configuration).BuildServiceProvider();
            await DatabaseSchema.EnsureAsync(services);
            var store = services.GetRequiredService<IMarketStore>();
            var dataSource = services.GetRequiredService<NpgsqlDataSource>();

            Console.WriteLine($"PostgreSQL: {rowCount:N0} volume-slot rows ({tickers.Count:N0} tickers x {tickers[0].Slots.Length} slots), one day");
            // Warm-up, not reported: the JIT and the connection pool, on both paths, with a small day.
            var warmUp = VolumeSlotDay(50_000, day: WarmUpDay);
            await RawCopyAsync(dataSource, warmUp, "raw_warm_up");
            await store.ReplaceVolumeSlotsAsync(WarmUpDay, warmUp.ToAsyncEnumerable());
            await store.ReplaceTickerVolumeSlotsAsync(WarmUpDay, warmUp.ToAsyncEnumerable());
            var floor = await TimeAsync(() => RawCopyAsync(dataSource, tickers));
            Report("raw binary COPY into an unindexed table (floor)", rowCount, floor);
            // The staging shape: COPY into a temporary table, then one INSERT ... ON CONFLICT DO UPDATE (the per-ticker replace).
            var otherDay = VolumeSlotDay(rows, day: OtherDay);
            var staged = await TimeAsync(() => store.ReplaceTickerVolumeSlotsAsync(OtherDay, otherDay.ToAsyncEnumerable()));
            Report("staging COPY + one INSERT ON CONFLICT DO UPDATE, empty day", rowCount, staged);
            var stagedAgain = await TimeAsync(() => store.ReplaceTickerVolumeSlotsAsync(OtherDay, otherDay.ToAsyncEnumerable()));
            Report("staging COPY + one INSERT ON CONFLICT DO UPDATE, same rows again", rowCount, stagedAgain);
            var stagedChanged = VolumeSlotDay(rows, seed: 2, day: OtherDay);
            var stagedUpdate = await TimeAsync(() => store.ReplaceTickerVolumeSlotsAsync(OtherDay, stagedChanged.ToAsyncEnumerable()));
            Report("staging COPY + one INSERT ON CONFLICT DO UPDATE, every row changed", rowCount, stagedUpdate);

            // What ReplaceVolumeSlots does: COPY into a bare table, build its key, swap it in as the day's partition.
            var first = await TimeAsync(() => store.ReplaceVolumeSlotsAsync(Day, tickers.ToAsyncEnumerable()));
            Report("ReplaceVolumeSlots (new day partition: COPY, key build, swap), empty day", rowCount, first);
            var same = await TimeAsync(() => store.ReplaceVolumeSlotsAsync(Day, tickers.ToAsyncEnumerable()));
            Report("ReplaceVolumeSlots, same rows again", rowCount, same);
            var changed = VolumeSlotDay(rows, seed: 2);
            var update = await TimeAsync(() => store.ReplaceVolumeSlotsAsync(Day, changed.ToAsyncEnumerable()));
            Report("ReplaceVolumeSlots, every row changed", rowCount, update);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(adminConnectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    /// <summary>The embedded profile's store: prepared inserts in one transaction into a SQLite file.</summary>
    private static async Task SqliteAsync(int rows)
    {
        var tickers = VolumeSlotDay(rows);
        var rowCount = tickers.Sum(t => (long)t.Slots.Length);
        var folder = Directory.CreateTempSubdirectory("maintenance-bench-").FullName;
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:SqlitePath"] = Path.Combine(folder, "bench.db") })
                .Build();
            await using var services = new ServiceCollection().AddLogging().AddMaintenanceData(configuration).BuildServiceProvider();
            await DatabaseSchema.EnsureAsync(services);
            var store = services.GetRequiredService<IMarketStore>();
            Console.WriteLine($"SQLite: {rowCount:N0} volume-slot rows, one day");
            await store.ReplaceVolumeSlotsAsync(WarmUpDay, VolumeSlotDay(20_000, day: WarmUpDay).ToAsyncEnumerable());
            var first = await TimeAsync(() => store.ReplaceVolumeSlotsAsync(Day, tickers.ToAsyncEnumerable()));
            Report("ReplaceVolumeSlots (DELETE day + prepared INSERTs, one transaction), empty day", rowCount, first);
            var again = await TimeAsync(() => store.ReplaceVolumeSlotsAsync(Day, tickers.ToAsyncEnumerable()));
            Report("ReplaceVolumeSlots, same rows again", rowCount, again);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RawCopyAsync(NpgsqlDataSource dataSource, List<TickerVolumeSlots> tickers, string table = "raw_volume_slots")
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand($"""
            CREATE TABLE {table} (trading_date date NOT NULL, symbol text NOT NULL, slot smallint NOT NULL,
                volume bigint NOT NULL, accumulated_volume bigint NOT NULL, trades integer NOT NULL)
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (trading_date, symbol, slot, volume, accumulated_volume, trades) FROM STDIN (FORMAT BINARY)");
        foreach (var ticker in tickers)
        {
            foreach (var slot in ticker.Slots)
            {
                // Written as the store writes them (synchronous calls into the importer's buffer).
                importer.StartRow();
                importer.Write(ticker.Date, NpgsqlDbType.Date);
                importer.Write(ticker.Symbol, NpgsqlDbType.Text);
                importer.Write((short)slot.Slot, NpgsqlDbType.Smallint);
                importer.Write(slot.Volume, NpgsqlDbType.Bigint);
                importer.Write(slot.AccumulatedVolume, NpgsqlDbType.Bigint);
                importer.Write(slot.Trades, NpgsqlDbType.Integer);
            }
        }

        await importer.CompleteAsync();
    }

    private static async Task RedisAsync(string connectionString, int hashCount, int fieldCount)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var store = new RedisStore(redis, NullLogger<RedisStore>.Instance);
        var hashes = Enumerable.Range(0, hashCount)
            .Select(h => new HashReplacement(
                $"bench:rvol:{h}",
                [.. Enumerable.Range(0, fieldCount).Select(f => new HashEntry(f, (h * 1000L) + f))]))
            .ToList();
        var fields = (long)hashCount * fieldCount;
        Console.WriteLine($"Redis ({redis.GetServers()[0].Version}): {hashCount:N0} hashes x {fieldCount} fields = {fields:N0} fields");

        var db = redis.GetDatabase();
        var plain = await TimeAsync(async () =>
        {
            // The floor: the same fields as plain HSETs, pipelined in the store's rounds of 256 hashes, no temporary key, no rename.
            var i = 0;
            foreach (var round in hashes.Chunk(256))
            {
                await Task.WhenAll(round.Select(h => db.HashSetAsync($"bench:plain:{i++}", h.Fields)));
            }
        });
        ReportFields("pipelined HSET, no atomic replace (floor)", fields, plain);
        var first = await TimeAsync(() => store.ReplaceHashesAsync(hashes, RedisKeys.RvolTtl));
        ReportFields("ReplaceHashes (temporary key + RENAME, TTL 14 h), new keys", fields, first);
        var again = await TimeAsync(() => store.ReplaceHashesAsync(hashes, RedisKeys.RvolTtl));
        ReportFields("ReplaceHashes over existing keys", fields, again);
        var deleted = await store.DeleteByPatternAsync("bench:*");
        Console.WriteLine($"  cleaned up {deleted:N0} keys with SCAN + UNLINK");
    }

    /// <summary>A day of slots: as many tickers as the rows need, 192 slots each, numbers varied by <paramref name="seed"/>.</summary>
    private static List<TickerVolumeSlots> VolumeSlotDay(int rows, int seed = 1, DateOnly? day = null)
    {
        var tickerCount = (rows + VolumeSlots.Count - 1) / VolumeSlots.Count;
        var tickers = new List<TickerVolumeSlots>(tickerCount);
        for (var t = 0; t < tickerCount; t++)
        {
            var slots = new VolumeSlot[VolumeSlots.Count];
            long accumulated = 0;
            for (var s = 0; s < slots.Length; s++)
            {
                var volume = 100L + ((t * 31L + s * 17L + seed) % 5000);
                accumulated += volume;
                slots[s] = new VolumeSlot(s, volume, accumulated, (int)(volume / 50) + seed);
            }

            tickers.Add(new TickerVolumeSlots("S" + t.ToString("D5", CultureInfo.InvariantCulture), day ?? Day, slots));
        }

        return tickers;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var started = Stopwatch.GetTimestamp();
        await work();
        return Stopwatch.GetElapsedTime(started);
    }

    private static void Report(string what, long rows, TimeSpan elapsed) =>
        Console.WriteLine($"  {what,-80} {elapsed.TotalSeconds,6:F2} s  {rows / elapsed.TotalSeconds,12:N0} rows/s");

    private static void ReportFields(string what, long fields, TimeSpan elapsed) =>
        Console.WriteLine($"  {what,-80} {elapsed.TotalSeconds,6:F2} s  {fields / elapsed.TotalSeconds,12:N0} fields/s");

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Options(string? Postgres, string? Redis, int Rows, int Hashes, int Fields)
    {
        public static Options? Parse(string[] args)
        {
            string? postgres = Environment.GetEnvironmentVariable("MAINTENANCE_TEST_POSTGRES");
            string? redis = Environment.GetEnvironmentVariable("MAINTENANCE_TEST_REDIS");
            int rows = 2_000_000, hashes = 11_000, fields = 192;
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--postgres" when value is not null: postgres = value; i++; break;
                    case "--redis" when value is not null: redis = value; i++; break;
                    case "--rows" when int.TryParse(value, CultureInfo.InvariantCulture, out rows): i++; break;
                    case "--hashes" when int.TryParse(value, CultureInfo.InvariantCulture, out hashes): i++; break;
                    case "--fields" when int.TryParse(value, CultureInfo.InvariantCulture, out fields): i++; break;
                    default:
                        Console.Error.WriteLine($"data: unknown or incomplete option '{args[i]}'. Options: --postgres CS --redis CS --rows N --hashes N --fields N");
                        return null;
                }
            }

            return new Options(NullIfBlank(postgres), NullIfBlank(redis), rows, hashes, fields);
        }

        private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
