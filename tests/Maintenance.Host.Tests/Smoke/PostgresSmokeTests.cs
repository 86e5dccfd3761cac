using Maintenance.Testing;
using Npgsql;

namespace Maintenance.Host.Tests.Smoke;

public sealed class PostgresSmokeTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_row_round_trips_through_the_real_PostgreSQL_in_a_fresh_database()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync(ct);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);

        await using (var create = new NpgsqlCommand(
            "CREATE TABLE daily_bars (symbol text, trading_date date, close numeric, PRIMARY KEY (symbol, trading_date))", connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO daily_bars VALUES ($1, $2, $3)", connection))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = "AAPL" });
            insert.Parameters.Add(new NpgsqlParameter { Value = new DateOnly(2025, 12, 2) });
            insert.Parameters.Add(new NpgsqlParameter { Value = 286.19m });
            await insert.ExecuteNonQueryAsync(ct);
        }

        await using var select = new NpgsqlCommand("SELECT symbol, trading_date, close FROM daily_bars", connection);
        await using var reader = await select.ExecuteReaderAsync(ct);
        Assert.True(await reader.ReadAsync(ct));
        Assert.Equal("AAPL", reader.GetString(0));
        Assert.Equal(new DateOnly(2025, 12, 2), reader.GetFieldValue<DateOnly>(1));
        Assert.Equal(286.19m, reader.GetDecimal(2));
        Assert.False(await reader.ReadAsync(ct));
    }

    [Fact]
    public async Task Each_call_creates_a_different_empty_database()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync(ct));
        var second = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync(ct));

        await using var connection = new NpgsqlConnection(second.ConnectionString);
        await connection.OpenAsync(ct);
        await using var tables = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", connection);

        Assert.NotEqual(first.Database, second.Database);
        Assert.Equal(0L, await tables.ExecuteScalarAsync(ct));
    }
}
