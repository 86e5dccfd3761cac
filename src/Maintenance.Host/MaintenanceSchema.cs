using Maintenance.Data.Schema;
using Maintenance.Orchestrator;

namespace Maintenance.Host;

public static class MaintenanceSchema
{
    /// <summary>
    /// The market tables, then the saga's: both contexts share one database. On PostgreSQL the database is created
    /// when missing and both run under one advisory lock, so replicas starting together do not trip over each other.
    /// </summary>
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var postgres = services.GetRequiredService<IConfiguration>().GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(postgres))
        {
            await EnsureBothAsync(services, cancellationToken);
            return;
        }

        await PostgresSchemaLock.RunAsync(postgres, ct => EnsureBothAsync(services, ct), cancellationToken);
    }

    private static async Task EnsureBothAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await DatabaseSchema.EnsureAsync(services, cancellationToken);
        await services.EnsureSagaSchemaAsync(cancellationToken);
    }
}
