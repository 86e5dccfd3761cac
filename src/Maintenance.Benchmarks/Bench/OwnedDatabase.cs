using System.Text.RegularExpressions;
using Npgsql;

namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// A PostgreSQL database the bench creates for one run, marked with <c>COMMENT ON DATABASE</c>; it is dropped only
/// while that comment still names the run. An existing database is never used, emptied or dropped.
/// </summary>
public static partial class OwnedDatabase
{
    /// <summary>Creates <paramref name="name"/> with the run's mark and answers its connection string.</summary>
    /// <exception cref="BenchRefusedException">The name is not a plain identifier, or such a database exists already.</exception>
    public static async Task<string> CreateAsync(string server, string name, BenchOwner owner, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        CheckName(name);
        await using var connection = await OpenAdminAsync(server, name, ct);
        if (await ExistsAsync(connection, name, ct))
        {
            throw new BenchRefusedException(
                $"PostgreSQL database '{name}' exists already: the bench uses only databases it creates itself in the run, and never drops one it did not create. "
                + "Give another --database, or leave it out for a fresh name.");
        }

        // Identifiers cannot be parameters; the name matched a plain identifier pattern above.
        await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"", ct);
        await ExecuteAsync(connection, $"COMMENT ON DATABASE \"{name}\" IS '{owner.Marker}'", ct);
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Drops <paramref name="name"/> if it carries this run's mark.</summary>
    /// <exception cref="BenchRefusedException">The database has no mark or another run's: it is left as it is.</exception>
    public static async Task DropAsync(string server, string name, BenchOwner owner, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        CheckName(name);
        await using var connection = await OpenAdminAsync(server, name, ct);
        await using (var read = new NpgsqlCommand("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = @name", connection))
        {
            read.Parameters.AddWithValue("name", name);
            var found = await read.ExecuteScalarAsync(ct);
            if (found is null)
            {
                return;
            }

            var mark = found as string;
            if (mark != owner.Marker)
            {
                throw new BenchRefusedException(
                    $"Refusing to drop PostgreSQL database '{name}': it was not created by this bench run "
                    + $"(its comment is {(mark is null ? "empty" : $"'{mark}'")}, expected '{owner.Marker}').");
            }
        }

        await ExecuteAsync(connection, $"DROP DATABASE \"{name}\" WITH (FORCE)", ct);
    }

    private static void CheckName(string name)
    {
        if (!PlainIdentifier().IsMatch(name))
        {
            throw new BenchRefusedException($"--database must be a plain lower-case identifier such as maintenance_bench_1, got '{name}'.");
        }
    }

    /// <summary>A connection to the server's maintenance database (the configured one unless it is the bench's own).</summary>
    private static async Task<NpgsqlConnection> OpenAdminAsync(string server, string name, CancellationToken ct)
    {
        var configured = new NpgsqlConnectionStringBuilder(server);
        var admin = new NpgsqlConnectionStringBuilder(server)
        {
            Database = configured.Database is { Length: > 0 } database && database != name ? database : "postgres",
            Pooling = false,
        };
        var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex PlainIdentifier();
}
