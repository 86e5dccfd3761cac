using Maintenance.Orchestrator.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maintenance.Orchestrator.Api;

/// <summary>The saga store answers a query on its own table.</summary>
public sealed class SagaDatabaseHealthCheck(SagaDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.Runs.AsNoTracking().AnyAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{db.Database.ProviderName} answers");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the saga store does not answer: {e.Message}");
        }
    }
}
