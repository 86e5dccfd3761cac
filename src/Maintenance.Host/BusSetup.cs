using System.Text.Json.Serialization;
using MassTransit;

namespace Maintenance.Host;

public static class BusSetup
{
    /// <summary>
    /// One bus per process: RabbitMQ when ConnectionStrings:RabbitMq is set, else the in-memory transport.
    /// Endpoints are kebab-case so queues read well in the management UI (load-ohlc, maintenance-saga, ...).
    /// </summary>
    public static IServiceCollection AddMaintenanceBus(this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator> register)
    {
        var rabbit = configuration.GetConnectionString("RabbitMq");

        // Start-up waits for the bus, so nothing published right after it (a catch-up, a CLI start) is lost.
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            register(x);
            if (string.IsNullOrWhiteSpace(rabbit))
            {
                x.UsingInMemory((context, bus) =>
                {
                    bus.ConfigureJsonSerializerOptions(EnumsByName);
                    bus.ConfigureEndpoints(context);
                });
            }
            else
            {
                var address = RabbitMqAddress.Parse(rabbit);
                x.UsingRabbitMq((context, bus) =>
                {
                    bus.Host(address.Host, address.Port, address.VirtualHost, h =>
                    {
                        h.Username(address.Username);
                        h.Password(address.Password);
                        if (address.UseTls)
                        {
                            // The certificate must be valid for the host named in the URI (the system's trust store decides).
                            h.UseSsl(ssl => ssl.ServerName = address.Host);
                        }
                    });
                    bus.ConfigureJsonSerializerOptions(EnumsByName);
                    bus.ConfigureEndpoints(context);
                });
            }
        });
        return services;
    }

    /// <summary>Python and Node peers read <c>"status": "Success"</c>, not a number; numbers are still accepted.</summary>
    private static System.Text.Json.JsonSerializerOptions EnumsByName(System.Text.Json.JsonSerializerOptions options)
    {
        if (!options.Converters.Any(c => c is JsonStringEnumConverter))
        {
            options.Converters.Add(new JsonStringEnumConverter());
        }

        return options;
    }
}
