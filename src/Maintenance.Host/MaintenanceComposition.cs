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
        var profile = MaintenanceProfile.From(configuration);
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis")))
        {
            // No Redis named: this process serves its own, in-process. Fine for one process, wrong for several.
            var garnet = EmbeddedRedisServer.Start();
            configuration["ConnectionStrings:Redis"] = garnet.ConnectionString;
            builder.Services.AddSingleton(garnet);
        }

        builder.Services.AddSingleton(profile);
        builder.Services.AddMaintenanceData(configuration);
        builder.Services.AddMarketDataOrSample(configuration);
        if (role.HasFlag(HostRole.Worker))
        {
            builder.Services.AddMaintenanceTasks(configuration);
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
