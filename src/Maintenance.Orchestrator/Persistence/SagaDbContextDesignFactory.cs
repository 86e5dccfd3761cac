using Maintenance.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Maintenance.Orchestrator.Persistence;

/// <summary>For <c>dotnet ef migrations add</c>: the PostgreSQL model (no server is contacted).</summary>
public sealed class SagaDbContextDesignFactory : IDesignTimeDbContextFactory<SagaDbContext>
{
    public SagaDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SagaDbContext>();
        UsePostgres(options);
        return new SagaDbContext(options.Options);
    }

    private static void UsePostgres(DbContextOptionsBuilder options) =>
        MaintenanceDatabase.Postgres("Host=localhost;Database=maintenance;Username=maintenance").Configure(options, SagaDbContext.MigrationsHistoryTable);
}
