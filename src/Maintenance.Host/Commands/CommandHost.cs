using Maintenance.Contracts;
using Maintenance.Host.Running;
using MassTransit;

namespace Maintenance.Host.Commands;

/// <summary>A host without HTTP for the operator commands that drive or watch runs.</summary>
public static class CommandHost
{
    /// <summary>
    /// On the embedded profile nothing else can serve an in-memory bus, so the command hosts every role
    /// itself; on the distributed profile it only publishes and watches unless asked to work in-process.
    /// </summary>
    public static async Task<IHost> StartRunnerAsync(bool inProcess, CancellationToken cancellationToken)
    {
        var host = BuildRunner(inProcess, out var role);
        if (role.HasFlag(HostRole.Orchestrator))
        {
            await MaintenanceSchema.EnsureAsync(host.Services, cancellationToken);
        }

        await host.StartAsync(cancellationToken);
        return host;
    }

    private static IHost BuildRunner(bool inProcess, out HostRole role)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // A command runs what it was asked for; the daily schedule and its catch-up belong to `serve`.
        builder.Configuration["Maintenance:Schedule:Enabled"] = "false";
        var profile = MaintenanceProfile.From(builder.Configuration);
        role = profile.IsEmbedded || inProcess ? HostRole.All : HostRole.None;
        builder.AddMaintenance(role, MaintenanceSteps.InOrder, x => x.AddRunWatcher());
        builder.Services.AddSingleton<RunOutcomes>();
        builder.Services.AddSingleton<RunStatus>();
        builder.Services.AddSingleton<MaintenanceRunner>();
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        return builder.Build();
    }
}
