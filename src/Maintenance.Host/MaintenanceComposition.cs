using Maintenance.Contracts;
using Maintenance.Data;
using Maintenance.MarketData.Sample;
using Maintenance.Orchestrator;
using Maintenance.Tasks;
using MassTransit;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Maintenance.Host;

/// <summary>Puts a process together for its role and profile; every command builds its host through here.</summary>
public static class MaintenanceComposition
{
    public static IHostApplicationBuilder AddMaintenance(this IHostApplicationBuilder builder, HostRole role, IReadOnlyCollection<MaintenanceStep> steps, Action<IBusRegistrationConfigurator>? extraBus = null)
    {
        var configuration = builder.Configuration;
        if (MaintenanceProfile.Problem(configuration, role) is { } problem)
        {
            throw new MaintenanceSettingsException(problem);
        }

        var profile = MaintenanceProfile.From(configuration);
        if (profile.IsEmbedded)
        {
            // One process with every role: its own Redis, kept beside the SQLite file so the next run sees the keys.
            var garnet = EmbeddedRedisServer.Start(GarnetFolder(configuration));
            configuration["ConnectionStrings:Redis"] = garnet.ConnectionString;
            builder.Services.AddSingleton(garnet);
            builder.Services.AddHostedService(_ => new EmbeddedRedisCheckpointOnStop(garnet));
        }

        builder.Services.AddSingleton(profile);
        builder.Services.AddMaintenanceData(configuration);
        if (role.HasFlag(HostRole.Worker))
        {
            builder.Services.AddMarketDataOrSample(configuration);
            builder.Services.AddMaintenanceTasks(configuration);
            var (level, note) = MaintenanceProfile.MarketDataNote(configuration);
            builder.Services.AddHostedService(sp => new StartupNote(sp.GetRequiredService<ILogger<StartupNote>>(), level, note));
        }

        if (role.HasFlag(HostRole.Orchestrator))
        {
            builder.Services.AddMaintenanceOrchestrator(configuration);
        }

        builder.Services.AddMaintenanceBus(configuration, x =>
        {
            if (role.HasFlag(HostRole.Worker))
            {
                x.AddMaintenanceTasks(steps);
            }

            if (role.HasFlag(HostRole.Orchestrator))
            {
                x.AddMaintenanceSaga();
            }

            extraBus?.Invoke(x);
        });

        AddTelemetry(builder);
        return builder;
    }

    /// <summary><c>Storage:GarnetPath</c>, else a <c>garnet</c> folder beside the SQLite file (<c>.maintenance/garnet</c>).</summary>
    public static string GarnetFolder(IConfiguration configuration)
    {
        var path = configuration["Storage:GarnetPath"];
        if (!string.IsNullOrWhiteSpace(path))
        {
            return path;
        }

        var sqlite = Path.GetFullPath(MaintenanceDatabase.SqlitePath(configuration));
        return Path.Combine(Path.GetDirectoryName(sqlite)!, "garnet");
    }

    /// <summary>Traces and metrics of the bus, HTTP and the tasks; exported over OTLP only when an endpoint is configured.</summary>
    private static void AddTelemetry(IHostApplicationBuilder builder)
    {
        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(otlp))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource("MassTransit").AddSource("Maintenance").AddAspNetCoreInstrumentationIfPresent().AddOtlpExporter())
            .WithMetrics(m => m.AddMeter("MassTransit").AddMeter("Maintenance").AddOtlpExporter());
    }

    private static TracerProviderBuilder AddAspNetCoreInstrumentationIfPresent(this TracerProviderBuilder builder) => builder.AddSource("Microsoft.AspNetCore");
}
