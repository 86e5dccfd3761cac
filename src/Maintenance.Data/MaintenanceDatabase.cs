using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Maintenance.Data;

/// <summary>
/// The one database of this installation, chosen by configuration (<see cref="FromConfiguration"/>, called once per
/// process by <c>AddMaintenanceStorage</c>). Every context that lives in it — the market data's and the saga's —
/// configures itself through <see cref="Configure"/>.
/// </summary>
public sealed class MaintenanceDatabase : IAsyncDisposable
{
    public const string DefaultSqlitePath = ".maintenance/maintenance.db";

    private readonly NpgsqlDataSource? _postgres;

    private MaintenanceDatabase(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        if (provider == DatabaseProvider.Postgres)
        {
            _postgres = NpgsqlDataSource.Create(connectionString);
        }
    }

    public DatabaseProvider Provider { get; }

    /// <summary>Npgsql or Microsoft.Data.Sqlite connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The pooled PostgreSQL data source; only in the Postgres profile.</summary>
    public NpgsqlDataSource PostgresDataSource =>
        _postgres ?? throw new InvalidOperationException("The database is SQLite; there is no PostgreSQL data source.");

    public static MaintenanceDatabase Postgres(string connectionString) => new(DatabaseProvider.Postgres, connectionString);

    /// <summary>A SQLite file at <paramref name="path"/> (relative to the current directory); its folder is created.</summary>
    public static MaintenanceDatabase Sqlite(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Pooling = true,
            // Also how long a writer waits for another connection's write lock (the saga shares the file).
            DefaultTimeout = 60,
        }.ToString();
        return new MaintenanceDatabase(DatabaseProvider.Sqlite, connectionString);
    }

    /// <summary>PostgreSQL when ConnectionStrings:Postgres is set, else SQLite at Storage:SqlitePath.</summary>
    public static MaintenanceDatabase FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var postgres = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return Postgres(postgres);
        }

        return Sqlite(SqlitePath(configuration));
    }

    /// <summary><c>Storage:SqlitePath</c>, else <see cref="DefaultSqlitePath"/>: the embedded profile's file.</summary>
    public static string SqlitePath(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration["Storage:SqlitePath"];
        return string.IsNullOrWhiteSpace(path) ? DefaultSqlitePath : path;
    }

    /// <summary>
    /// Points an EF Core context at this database with the right provider. Each context of the one database keeps its
    /// own migrations history (<paramref name="migrationsHistoryTable"/>, PostgreSQL; SQLite creates its tables from the model).
    /// </summary>
    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string migrationsHistoryTable)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Provider == DatabaseProvider.Postgres
            ? options.UseNpgsql(PostgresDataSource, n => n.MigrationsHistoryTable(migrationsHistoryTable))
            : options.UseSqlite(ConnectionString);
    }

    /// <summary>An open SQLite connection set up for this service's work; only in the SQLite profile.</summary>
    public async Task<SqliteConnection> OpenSqliteAsync(CancellationToken ct)
    {
        if (Provider != DatabaseProvider.Sqlite)
        {
            throw new InvalidOperationException("The database is PostgreSQL, not SQLite.");
        }

        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var pragmas = connection.CreateCommand();
            // WAL (persistent in the file) lets readers run beside the one writer; NORMAL is durable at checkpoints, safe in WAL.
            pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            await pragmas.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
