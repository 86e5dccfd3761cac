using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Maintenance.Data.Schema;

/// <summary>Brings the market-data tables to the current model: run at start-up or by a <c>migrate</c> command.</summary>
public static class DatabaseSchema
{
    /// <summary>The EF migrations history table of this context; the saga's context keeps its own.</summary>
    public const string MigrationsHistoryTable = "__data_migrations_history";

    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<MaintenanceDbContext>();
        await EnsureAsync(context, ct);
    }

    /// <summary>
    /// PostgreSQL: applies the pending migrations. SQLite: EF migrations are provider-specific, so the tables are
    /// created from the model when none of them exists yet. Not EnsureCreated: it does nothing once any table
    /// exists, and the saga's tables share the file.
    /// </summary>
    public static async Task EnsureAsync(MaintenanceDbContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Database.IsNpgsql())
        {
            await context.Database.MigrateAsync(ct);
            return;
        }

        if (!context.Database.IsSqlite())
        {
            throw new NotSupportedException($"Provider {context.Database.ProviderName} is not supported; use PostgreSQL or SQLite.");
        }

        var present = await ExistingSqliteTablesAsync(context, ct);
        if (present.Count == MaintenanceDbContext.TableNames.Count)
        {
            await AddMissingSqliteColumnsAsync(context, ct);
            return;
        }

        if (present.Count > 0)
        {
            var missing = MaintenanceDbContext.TableNames.Except(present);
            throw new InvalidOperationException(
                $"The SQLite database has the tables {string.Join(", ", present)} but not {string.Join(", ", missing)}; "
                + "it was made by another version. Move the file away to start afresh.");
        }

        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct))
        {
            await creator.CreateAsync(ct);
        }

        await creator.CreateTablesAsync(ct);
    }

    /// <summary>
    /// The SQLite counterpart of a migration that adds nullable columns (the ticker details of 2026-11): a file made
    /// by an earlier version gets the model's columns it lacks. A missing column that cannot be null is refused.
    /// </summary>
    private static async Task AddMissingSqliteColumnsAsync(MaintenanceDbContext context, CancellationToken ct)
    {
        foreach (var entity in context.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } table)
            {
                continue;
            }

            var existing = await SqliteColumnsAsync(context, table, ct);
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store);
                if (column is null || existing.Contains(column))
                {
                    continue;
                }

                if (!property.IsColumnNullable(store))
                {
                    throw new InvalidOperationException(
                        $"The SQLite table {table} has no column {column}, which cannot be null; the file was made by another version. Move it away to start afresh.");
                }

                // Names and types come from the model, never from input.
#pragma warning disable EF1002
                await context.Database.ExecuteSqlRawAsync($"ALTER TABLE \"{table}\" ADD COLUMN \"{column}\" {property.GetColumnType(store)} NULL", ct);
#pragma warning restore EF1002
            }
        }
    }

    private static async Task<HashSet<string>> SqliteColumnsAsync(MaintenanceDbContext context, string table, CancellationToken ct)
    {
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM pragma_table_info($table)";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "$table";
            parameter.Value = table;
            command.Parameters.Add(parameter);
            var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                columns.Add(reader.GetString(0));
            }

            return columns;
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    private static async Task<List<string>> ExistingSqliteTablesAsync(MaintenanceDbContext context, CancellationToken ct)
    {
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            var present = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var name = reader.GetString(0);
                if (MaintenanceDbContext.TableNames.Contains(name))
                {
                    present.Add(name);
                }
            }

            return present;
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }
}
