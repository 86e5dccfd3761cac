using Maintenance.Data.Postgres;
using Maintenance.Testing;
using Npgsql;

namespace Maintenance.Data.Tests.Storage;

public sealed class PostgresMarketStoreTests(PostgresServer server) : MarketStoreTests
{
    private string _connectionString = "";

    protected override async Task<Dictionary<string, string?>> ConfigurationAsync()
    {
        _connectionString = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        return new() { ["ConnectionStrings:Postgres"] = _connectionString };
    }

    [Fact]
    public async Task Each_day_of_volume_slots_is_one_partition_swapped_whole_on_replay()
    {
        var ct = TestContext.Current.CancellationToken;
        await Store.ReplaceVolumeSlotsAsync(Day, Loads.VolumeSlots(Day, 20, 5).ToAsyncEnumerable(), ct);
        await Store.ReplaceVolumeSlotsAsync(Day, Loads.VolumeSlots(Day, 10, 5, seed: 2).ToAsyncEnumerable(), ct);
        await Store.ReplaceTickerVolumeSlotsAsync(NextDay, Loads.VolumeSlots(NextDay, 2, 3).ToAsyncEnumerable(), ct);
        await Store.ReplaceVolumeSlotsAsync(NextDay, Loads.VolumeSlots(NextDay, 4, 3).ToAsyncEnumerable(), ct);

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT c.relname, (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
            FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
            WHERE h.inhparent = 'volume_slots'::regclass AND c.relkind = 'r' ORDER BY 1
            """, connection);
        var partitions = new List<(string, long)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                partitions.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        Assert.Equal([(PostgresMarketStore.VolumeSlotPartition(Day), 1L), ("volume_slots_2025_03_17", 1L)], partitions);
        await using var leftovers = new NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_load'", connection);
        Assert.Equal(0L, await leftovers.ExecuteScalarAsync(ct));
        // The day came from a column default during the COPY; the partitions keep none.
        await using var defaults = new NpgsqlCommand("SELECT count(*) FROM pg_attrdef d JOIN pg_inherits h ON h.inhrelid = d.adrelid WHERE h.inhparent = 'volume_slots'::regclass", connection);
        Assert.Equal(0L, await defaults.ExecuteScalarAsync(ct));
        Assert.Equal(50, (await Store.CountVolumeSlotsAsync(Day, Day, ct))[0].Rows);
    }

    [Fact]
    public async Task A_first_run_of_days_builds_the_daily_bar_keys_after_the_copy_and_keeps_their_definitions()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Oids = "SELECT indexrelid::oid::text FROM pg_index WHERE indrelid = 'daily_bars'::regclass ORDER BY indexrelid::regclass::text";
        const string Keys = "SELECT indexrelid::regclass::text || ' ' || pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'daily_bars'::regclass ORDER BY 1";
        var before = await QueryAsync(Keys, ct);
        await Store.ReplaceDailyBarsAsync(NextDay, Loads.DailyBars(NextDay, 5).ToAsyncEnumerable(), ct);
        var twice = Loads.DailyBars(PreviousDay, 4).Append(Loads.DailyBars(PreviousDay, 1, seed: 9)[0]);

        // Two days added to a table of one: the keys are dropped and built after the COPY, and a key twice is still refused.
        var duplicate = await Assert.ThrowsAsync<InvalidDataException>(() => Store.AddDailyBarsDaysAsync([PreviousDay, Day], twice.ToAsyncEnumerable(), ct));
        var afterFailure = await QueryAsync(Keys, ct);
        var oids = await QueryAsync(Oids, ct);
        var added = await Store.AddDailyBarsDaysAsync([PreviousDay, Day], Loads.DailyBars(PreviousDay, 6).Concat(Loads.DailyBars(Day, 7)).ToAsyncEnumerable(), ct);
        var rebuilt = await QueryAsync(Oids, ct);
        var analyzed = await QueryAsync("SELECT count(*)::text FROM pg_stats WHERE tablename = 'daily_bars' AND attname = 'trading_date'", ct);
        // One day more into three: the keys are kept and maintained row by row.
        await Store.AddDailyBarsDaysAsync([EarlierDay], Loads.DailyBars(EarlierDay, 3).ToAsyncEnumerable(), ct);

        Assert.Contains("same key more than once", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(13, added);
        Assert.Equal(["ix_daily_bars_trading_date CREATE INDEX ix_daily_bars_trading_date ON public.daily_bars USING btree (trading_date)",
            "pk_daily_bars CREATE UNIQUE INDEX pk_daily_bars ON public.daily_bars USING btree (symbol, trading_date)"], before);
        Assert.Equal(before, afterFailure);
        Assert.NotEqual(oids[0], rebuilt[0]);
        Assert.NotEqual(oids[1], rebuilt[1]);
        Assert.Equal(rebuilt, await QueryAsync(Oids, ct));
        Assert.Equal(["1"], analyzed);
        Assert.Equal(before, await QueryAsync(Keys, ct));
        Assert.Equal(["t"], await QueryAsync("SELECT bool_and(indisprimary OR NOT indisunique)::text::char FROM pg_index WHERE indrelid = 'daily_bars'::regclass", ct));
        Assert.Equal([EarlierDay, PreviousDay, Day, NextDay], await Store.DaysWithDailyBarsAsync(EarlierDay, NextDay, ct));
    }

    private static DateOnly EarlierDay => PreviousDay.AddDays(-1);

    private async Task<List<string>> QueryAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
