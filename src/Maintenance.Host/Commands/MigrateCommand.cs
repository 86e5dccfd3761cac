using Maintenance.Data;
using Maintenance.Orchestrator.Persistence;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Host.Commands;

public sealed class MigrateCommand : AsyncCommand
{
    /// <summary>Needs only the database: no bus, Redis or market data, so ConnectionStrings:Postgres alone is enough.</summary>
    public override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMaintenanceData(builder.Configuration);
        var database = builder.Services.AddMaintenanceStorage(builder.Configuration);
        builder.Services.AddDbContext<SagaDbContext>(o => database.Configure(o, SagaDbContext.MigrationsHistoryTable));
        using var host = builder.Build();
        await MaintenanceSchema.EnsureAsync(host.Services, cancellationToken);
        AnsiConsole.MarkupLine($"[green]schema up to date[/] on {MaintenanceProfile.From(builder.Configuration).Database}");
        return 0;
    }
}
