using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Host.Commands;

public sealed class MigrateCommand : AsyncCommand
{
    public override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddMaintenance(HostRole.All, []);
        using var host = builder.Build();
        await MaintenanceSchema.EnsureAsync(host.Services, cancellationToken);
        AnsiConsole.MarkupLine($"[green]schema up to date[/] on {host.Services.GetRequiredService<MaintenanceProfile>().Database}");
        return 0;
    }
}
