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
        Assert.Equal(50, (await Store.CountVolumeSlotsAsync(Day, Day, ct))[0].Rows);
    }
}
