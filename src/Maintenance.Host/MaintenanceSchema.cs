using Maintenance.Data.Schema;
using Maintenance.Orchestrator;

namespace Maintenance.Host;

public static class MaintenanceSchema
{
    /// <summary>The market tables, then the saga's: both contexts share one database.</summary>
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await DatabaseSchema.EnsureAsync(services, cancellationToken);
        await services.EnsureSagaSchemaAsync(cancellationToken);
    }
}
