using Maintenance.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Maintenance.Orchestrator.Persistence;

/// <summary>
/// The saga store's schema. It lives in the installation's one database (<see cref="MaintenanceDatabase"/>, chosen by
/// <c>AddMaintenanceStorage</c>) beside the data tables, with its own migrations history.
/// </summary>
public static class SagaDatabase
{
    /// <summary>
    /// PostgreSQL: applies this context's migrations. SQLite: creates the two tables from the model when they are
    /// missing (not EnsureCreated: the data tables of the same file belong to another context).
    /// </summary>
    public static async Task EnsureSchemaAsync(SagaDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync(ct);
            return;
        }

        var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var tables = await db.Database
            .SqlQuery<string>($"SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {SagaDbContext.RunsTable}")
            .ToListAsync(ct);
        if (tables.Count == 0)
        {
            await db.GetService<IRelationalDatabaseCreator>().CreateTablesAsync(ct);
            return;
        }

        // A file from before the step graph: the columns the model added since, and one Running state for all steps.
        await AddSqliteColumnAsync(db, SagaDbContext.StepRunsTable, "shards", "TEXT NOT NULL DEFAULT '[]'", ct);
        if (await AddSqliteColumnAsync(db, SagaDbContext.RunsTable, "force_clear_caches", "INTEGER NOT NULL DEFAULT 0", ct))
        {
            await db.Database.ExecuteSqlRawAsync($"UPDATE {SagaDbContext.RunsTable} SET current_state = 'Running' WHERE current_state NOT IN ('Initial', 'Final', 'Completed', 'CompletedWithErrors', 'Failed')", ct);
        }
    }

    private static async Task<bool> AddSqliteColumnAsync(SagaDbContext db, string table, string column, string definition, CancellationToken ct)
    {
        var present = await db.Database
            .SqlQuery<string>($"SELECT name AS \"Value\" FROM pragma_table_info({table}) WHERE name = {column}")
            .ToListAsync(ct);
        if (present.Count > 0)
        {
            return false;
        }

#pragma warning disable EF1002 // Names are this class's constants, not input.
        await db.Database.ExecuteSqlRawAsync($"ALTER TABLE {table} ADD COLUMN {column} {definition}", ct);
#pragma warning restore EF1002
        return true;
    }
}
