using Maintenance.Data.Schema;
using Maintenance.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Tests.Storage;

public sealed class SchemaTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging()
            .AddMaintenanceData(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public async Task Postgres_migrations_create_the_design_tables_and_run_again_as_a_no_op()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var services = Services(new() { ["ConnectionStrings:Postgres"] = connectionString });

        await DatabaseSchema.EnsureAsync(services, Ct);
        await DatabaseSchema.EnsureAsync(services, Ct);

        Assert.Equal(DatabaseProvider.Postgres, services.GetRequiredService<MaintenanceDatabase>().Provider);
        Assert.IsType<Postgres.PostgresMarketStore>(services.GetRequiredService<IMarketStore>());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        Assert.Equal(
            ["atr_values", "daily_bars", "tickers", "volume_slots"],
            await ListAsync(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE '\\_\\_%' ORDER BY 1"));
        Assert.Equal(
            ["trading_date", "symbol", "slot", "volume", "accumulated_volume", "trades"],
            await ListAsync(connection, "SELECT column_name FROM information_schema.columns WHERE table_name = 'volume_slots' ORDER BY ordinal_position"));
        Assert.Contains("ix_daily_bars_trading_date", await ListAsync(connection, "SELECT indexname FROM pg_indexes WHERE tablename = 'daily_bars'"));
        await using var context = services.CreateScope().ServiceProvider.GetRequiredService<MaintenanceDbContext>();
        Assert.Empty(await context.Database.GetPendingMigrationsAsync(Ct));
    }

    [Fact]
    public async Task Sqlite_tables_are_created_beside_another_contexts_tables_in_the_same_file()
    {
        var folder = Directory.CreateTempSubdirectory("maintenance-schema-").FullName;
        try
        {
            var path = Path.Combine(folder, "shared.db");
            // The saga's tables are already in the file: EnsureCreated would now do nothing.
            await using (var other = new SqliteConnection($"Data Source={path}"))
            {
                await other.OpenAsync(Ct);
                await using var create = other.CreateCommand();
                create.CommandText = "CREATE TABLE maintenance_runs (id TEXT PRIMARY KEY)";
                await create.ExecuteNonQueryAsync(Ct);
            }

            await using (var services = Services(new() { ["Storage:SqlitePath"] = path }))
            {
                await DatabaseSchema.EnsureAsync(services, Ct);
                await DatabaseSchema.EnsureAsync(services, Ct);
                Assert.IsType<Sqlite.SqliteMarketStore>(services.GetRequiredService<IMarketStore>());
            }

            await using var connection = new SqliteConnection($"Data Source={path}");
            await connection.OpenAsync(Ct);
            await using var list = connection.CreateCommand();
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            var tables = new List<string>();
            await using (var reader = await list.ExecuteReaderAsync(Ct))
            {
                while (await reader.ReadAsync(Ct))
                {
                    tables.Add(reader.GetString(0));
                }
            }

            Assert.Equal(["atr_values", "daily_bars", "maintenance_runs", "tickers", "volume_slots"], tables);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_sqlite_file_with_only_some_of_the_tables_is_refused_with_the_missing_ones_named()
    {
        var folder = Directory.CreateTempSubdirectory("maintenance-schema-").FullName;
        try
        {
            var path = Path.Combine(folder, "partial.db");
            await using (var other = new SqliteConnection($"Data Source={path}"))
            {
                await other.OpenAsync(Ct);
                await using var create = other.CreateCommand();
                create.CommandText = "CREATE TABLE tickers (symbol TEXT PRIMARY KEY)";
                await create.ExecuteNonQueryAsync(Ct);
            }

            await using var services = Services(new() { ["Storage:SqlitePath"] = path });
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseSchema.EnsureAsync(services, Ct));

            Assert.Contains("but not daily_bars, volume_slots, atr_values", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_postgres_database_of_the_first_version_gets_the_ticker_details_columns_and_keeps_its_rows()
    {
        var connectionString = await postgres.CreateDatabaseAsync(Ct);
        await using var services = Services(new() { ["ConnectionStrings:Postgres"] = connectionString });
        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<MaintenanceDbContext>();
            await context.GetService<IMigrator>().MigrateAsync("20261128201657_InitialMarketData", cancellationToken: Ct);
            await context.Database.ExecuteSqlRawAsync(
                "INSERT INTO tickers (symbol, name, active, first_seen, updated_at) VALUES ('OLD', 'Old Co', true, '2024-01-02', now())", Ct);
        }

        await DatabaseSchema.EnsureAsync(services, Ct);
        var store = services.GetRequiredService<IMarketStore>();
        await store.UpsertTickersAsync(new[] { MarketStoreTests.Detailed("NEW") }.ToAsyncEnumerable(), Ct);

        var tickers = await Loads.ToListAsync(store.ReadTickersAsync(activeOnly: false, Ct));
        Assert.Equal(["NEW", "OLD"], tickers.Select(t => t.Symbol));
        Assert.Equal(MarketStoreTests.Detailed("NEW").Description, tickers[0].Description);
        Assert.Equal(("Old Co", null, null), (tickers[1].Name, tickers[1].Description, tickers[1].ListDate));
    }

    [Fact]
    public async Task A_sqlite_file_of_the_first_version_gets_the_ticker_details_columns_and_keeps_its_rows()
    {
        var folder = Directory.CreateTempSubdirectory("maintenance-schema-").FullName;
        try
        {
            var path = Path.Combine(folder, "old.db");
            string[] added = ["description", "homepage_url", "phone_number", "address1", "city", "state", "postal_code", "total_employees",
                "list_date", "logo_url", "icon_url", "composite_figi", "share_class_figi", "ticker_root", "ticker_suffix", "currency_name",
                "locale", "market", "round_lot", "delisted_utc"];
            await using (var services = Services(new() { ["Storage:SqlitePath"] = path }))
            {
                await DatabaseSchema.EnsureAsync(services, Ct);
                await services.GetRequiredService<IMarketStore>().UpsertTickersAsync(
                    new Ticker[] { new() { Symbol = "OLD", Name = "Old Co" } }.ToAsyncEnumerable(), Ct);
            }

            // Back to the first version's table: the columns of this change dropped.
            await using (var connection = new SqliteConnection($"Data Source={path}"))
            {
                await connection.OpenAsync(Ct);
                foreach (var column in added)
                {
                    await using var drop = connection.CreateCommand();
                    drop.CommandText = $"ALTER TABLE tickers DROP COLUMN {column}";
                    await drop.ExecuteNonQueryAsync(Ct);
                }
            }

            SqliteConnection.ClearAllPools();
            await using (var services = Services(new() { ["Storage:SqlitePath"] = path }))
            {
                await DatabaseSchema.EnsureAsync(services, Ct);
                await DatabaseSchema.EnsureAsync(services, Ct);
                var store = services.GetRequiredService<IMarketStore>();
                await store.UpsertTickersAsync(new[] { MarketStoreTests.Detailed("NEW") }.ToAsyncEnumerable(), Ct);

                var tickers = await Loads.ToListAsync(store.ReadTickersAsync(activeOnly: false, Ct));
                Assert.Equal(["NEW", "OLD"], tickers.Select(t => t.Symbol));
                Assert.Equal(MarketStoreTests.Detailed("NEW") with { UpdatedAt = tickers[0].UpdatedAt, DelistedUtc = tickers[0].DelistedUtc }, tickers[0]);
                Assert.Equal(MarketStoreTests.Detailed("NEW").DelistedUtc, tickers[0].DelistedUtc);
                Assert.Equal(("Old Co", null, null), (tickers[1].Name, tickers[1].Description, tickers[1].ListDate));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Without_a_postgres_connection_string_the_database_is_a_sqlite_file_under_the_current_directory()
    {
        var database = MaintenanceDatabase.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Equal(DatabaseProvider.Sqlite, database.Provider);
        var expected = Path.GetFullPath(MaintenanceDatabase.DefaultSqlitePath);
        Assert.Equal(expected, new SqliteConnectionStringBuilder(database.ConnectionString).DataSource);
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var result = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
