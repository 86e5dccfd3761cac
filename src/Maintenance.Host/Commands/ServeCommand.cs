using Maintenance.Orchestrator.Api;
using System.ComponentModel;
using Maintenance.Orchestrator;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Host.Commands;

public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--role <ROLE>")]
        [Description("orchestrator, worker or all (default all).")]
        public string Role { get; init; } = "all";

        [CommandOption("--tasks <TASKS>")]
        [Description("Worker role: the tasks this process consumes, comma-separated queue names (default: all).")]
        public string? Tasks { get; init; }

        [CommandOption("--urls <URLS>")]
        [Description("HTTP listen address (default http://0.0.0.0:8008, or Http:Urls).")]
        public string? Urls { get; init; }

        public override ValidationResult Validate()
        {
            return SettingsCheck.Of(() =>
            {
                _ = HostRoles.Parse(Role);
                _ = StepList.Parse(Tasks, "--tasks");
            });
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var role = HostRoles.Parse(settings.Role);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(settings.Urls ?? builder.Configuration["Http:Urls"] ?? "http://0.0.0.0:8008");
        builder.AddMaintenance(role, StepList.Parse(settings.Tasks, "--tasks"));
        if (role.HasFlag(HostRole.Orchestrator))
        {
            builder.Services.AddMaintenanceApi(builder.Configuration);
        }
        else
        {
            builder.Services.AddHealthChecks();
        }

        await using var app = builder.Build();
        if (role.HasFlag(HostRole.Orchestrator))
        {
            // The orchestrator owns the schema; workers start after it is healthy (docker-compose depends_on).
            await MaintenanceSchema.EnsureAsync(app.Services, cancellationToken);
            app.MapMaintenanceApi();
        }
        else
        {
            app.MapMaintenanceHealth();
        }

        await app.RunAsync(cancellationToken);
        return 0;
    }
}
