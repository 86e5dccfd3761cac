using Maintenance.Benchmarks.Bench;
using Maintenance.Testing;
using Npgsql;

namespace Maintenance.Benchmarks.Tests.Bench;

/// <summary>The bench drops only a database it created in the same run (real PostgreSQL).</summary>
public sealed class OwnedDatabaseTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_database_without_the_bench_mark_is_not_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        var existing = await postgres.CreateDatabaseAsync(ct);
        await ExecuteAsync(existing, "CREATE TABLE live (id int); INSERT INTO live VALUES (1)", ct);
        var name = new NpgsqlConnectionStringBuilder(existing).Database!;

        var refused = await Assert.ThrowsAsync<BenchRefusedException>(() => OwnedDatabase.DropAsync(existing, name, BenchOwner.New(), ct));

        Assert.StartsWith($"Refusing to drop PostgreSQL database '{name}': it was not created by this bench run (its comment is empty", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(existing, "SELECT count(*) FROM live", ct));
    }

    [Fact]
    public async Task An_existing_database_is_refused_and_left_as_it_is()
    {
        var ct = TestContext.Current.CancellationToken;
        var existing = await postgres.CreateDatabaseAsync(ct);
        await ExecuteAsync(existing, "CREATE TABLE live (id int); INSERT INTO live VALUES (1)", ct);
        var name = new NpgsqlConnectionStringBuilder(existing).Database!;

        var refused = await Assert.ThrowsAsync<BenchRefusedException>(() => OwnedDatabase.CreateAsync(existing, name, BenchOwner.New(), ct));

        Assert.StartsWith($"PostgreSQL database '{name}' exists already", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(existing, "SELECT count(*) FROM live", ct));
    }

    [Fact]
    public async Task Only_the_run_that_created_a_database_drops_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await postgres.CreateDatabaseAsync(ct);
        var creator = BenchOwner.New();
        var name = creator.Name("bench_test_");
        var created = await OwnedDatabase.CreateAsync(server, name, creator, ct);

        await Assert.ThrowsAsync<BenchRefusedException>(() => OwnedDatabase.DropAsync(server, name, BenchOwner.New(), ct));
        Assert.Equal(1L, await ScalarAsync(created, "SELECT 1::bigint", ct));

        await OwnedDatabase.DropAsync(server, name, creator, ct);
        Assert.Equal(0L, await ScalarAsync(server, $"SELECT count(*) FROM pg_database WHERE datname = '{name}'", ct));
    }

    [Theory]
    [InlineData("Maintenance")]
    [InlineData("bench\"; DROP DATABASE postgres; --")]
    public async Task A_name_that_is_not_a_plain_identifier_is_refused(string name)
    {
        var server = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<BenchRefusedException>(() => OwnedDatabase.CreateAsync(server, name, BenchOwner.New(), TestContext.Current.CancellationToken));
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
