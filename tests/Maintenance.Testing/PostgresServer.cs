using System.Collections.Concurrent;
using Npgsql;

namespace Maintenance.Testing;

/// <summary>
/// The PostgreSQL server named by MAINTENANCE_TEST_POSTGRES (the connection string of a superuser),
/// shared by every test of an assembly: each test gets its own fresh database, dropped when the run ends.
/// Register with <c>[assembly: AssemblyFixture(typeof(PostgresServer))]</c>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string Variable = "MAINTENANCE_TEST_POSTGRES";

    private readonly Lazy<Task<string?>> _unavailableReason;
    private readonly ConcurrentQueue<string> _databases = new();
    private readonly string? _adminConnectionString = Environment.GetEnvironmentVariable(Variable);

    public PostgresServer()
    {
        _unavailableReason = new Lazy<Task<string?>>(ProbeAsync);
    }

    /// <summary>The Npgsql connection string of a new, empty database that belongs to the calling test.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct = default)
    {
        var admin = await AdminConnectionStringAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];

        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        _databases.Enqueue(name);
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, IncludeErrorDetail = true }.ConnectionString;
    }

    /// <summary>
    /// The connection string of a database that does not exist yet, for tests of creating it; dropped when the run
    /// ends, like those of <see cref="CreateDatabaseAsync"/>.
    /// </summary>
    public async Task<string> ReserveDatabaseAsync()
    {
        var admin = await AdminConnectionStringAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        _databases.Enqueue(name);
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, IncludeErrorDetail = true }.ConnectionString;
    }

    private async Task<string> AdminConnectionStringAsync()
    {
        var reason = await _unavailableReason.Value;
        if (reason is not null)
        {
            MissingServer.Report(reason);
        }

        return _adminConnectionString!;
    }

    private async Task<string?> ProbeAsync()
    {
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
        {
            return $"{Variable} is not set (Npgsql connection string of a PostgreSQL superuser; scripts/test.sh sets it)";
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Timeout = (int)ServerProbe.Timeout.TotalSeconds };
        }
        catch (ArgumentException e)
        {
            return $"{Variable} is not a valid Npgsql connection string: {e.Message}";
        }

        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            await using var probe = new NpgsqlCommand("SELECT 1", connection);
            await probe.ExecuteScalarAsync();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return $"PostgreSQL at {builder.Host}:{builder.Port} ({Variable}) does not answer: {e.Message}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_databases.IsEmpty)
        {
            return;
        }

        // Our own idle pooled connections would otherwise hold the databases open.
        NpgsqlConnection.ClearAllPools();

        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        while (_databases.TryDequeue(out var name))
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
