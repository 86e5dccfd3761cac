using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Maintenance.Data.Schema;

/// <summary>
/// For <c>dotnet ef migrations add</c>: migrations are generated for PostgreSQL and need no server.
/// <c>dotnet tool restore &amp;&amp; dotnet ef migrations add NAME --project src/Maintenance.Data --output-dir Migrations</c>
/// </summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<MaintenanceDbContext>
{
    public MaintenanceDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<MaintenanceDbContext>()
            .UseNpgsql("Host=localhost;Database=maintenance", n => n.MigrationsHistoryTable(DatabaseSchema.MigrationsHistoryTable))
            .Options;
        return new MaintenanceDbContext(options);
    }
}
