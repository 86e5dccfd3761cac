using Npgsql;

namespace Maintenance.Data.Schema;

/// <summary>
/// Schema creation that replicas starting at the same moment can all run: the database is created when missing
/// (another replica creating it first is fine), then the migrations run under a PostgreSQL advisory lock, one
/// process at a time; the others find them applied.
/// </summary>
public static class PostgresSchemaLock
{
    /// <summary>The advisory lock key of this service's schema ("MaintSch" in ASCII).</summary>
    public const long LockKey = 0x4d61696e74536368;

    public static async Task RunAsync(string connectionString, Func<CancellationToken, Task> migrate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(migrate);
        await EnsureDatabaseAsync(connectionString, ct);

        // Unpooled: the lock belongs to the session, and closing this connection must end it even if unlock is never reached.
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection))
        {
            await take.ExecuteNonQueryAsync(ct);
        }

        try
        {
            await migrate(ct);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Creates the connection string's database when it does not exist. Checked by connecting to it, so a user who
    /// may not connect to the <c>postgres</c> database still starts when the database is there.
    /// </summary>
    public static async Task EnsureDatabaseAsync(string connectionString, CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var name = target.Database;
        if (string.IsNullOrEmpty(name))
        {
            throw new InvalidOperationException("ConnectionStrings:Postgres names no Database.");
        }

        try
        {
            await using var probe = new NpgsqlConnection(target.ConnectionString);
            await probe.OpenAsync(ct);
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // Missing: create it below.
        }

        var admin = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres" };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(ct);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another replica created it between our check and our CREATE (42P04, or 23505 when both inserted at once).
        }
    }
}
