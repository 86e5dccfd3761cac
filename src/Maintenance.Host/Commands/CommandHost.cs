using Maintenance.Contracts;
using Maintenance.Host.Running;

namespace Maintenance.Host.Commands;

/// <summary>A host without HTTP for the operator commands that drive or watch runs.</summary>
public static class CommandHost
{
    public static async Task<IHost> StartRunnerAsync(bool inProcess, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });

        // The terminal shows the run's progress; only warnings and errors of the work go beside it.
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
        var role = builder.AddRunner(inProcess);
        var host = builder.Build();
        if (role.HasFlag(HostRole.Orchestrator))
        {
            await MaintenanceSchema.EnsureAsync(host.Services, cancellationToken);
        }

        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>
    /// On the embedded profile nothing else can serve an in-memory bus, so the command hosts every role
    /// itself; on the distributed profile it only publishes and watches unless asked to work in-process.
    /// </summary>
    public static HostRole AddRunner(this IHostApplicationBuilder builder, bool inProcess)
    {
        // A command runs what it was asked for; the daily schedule and its catch-up belong to `serve`.
        builder.Configuration["Maintenance:Schedule:Enabled"] = "false";
        var profile = MaintenanceProfile.From(builder.Configuration);
        var role = profile.IsEmbedded || inProcess ? HostRole.All : HostRole.None;
        builder.AddMaintenance(role, MaintenanceSteps.InOrder, x => x.AddRunWatcher());
        builder.Services.AddSingleton<RunOutcomes>();
        builder.Services.AddSingleton<RunStatus>();
        builder.Services.AddSingleton<RunProgress>();
        builder.Services.AddSingleton<MaintenanceRunner>();
        return role;
    }
}
