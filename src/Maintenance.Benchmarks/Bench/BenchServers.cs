using Microsoft.Extensions.Configuration;

namespace Maintenance.Benchmarks.Bench;

/// <summary>The servers named by configuration (<c>ConnectionStrings:*</c>); the bench needs all three.</summary>
public sealed record BenchServers(string RabbitMq, string Postgres, string Redis, string? RabbitMqManagement)
{
    /// <exception cref="InvalidOperationException">A connection string is missing: the message names which and how to set it.</exception>
    public static BenchServers FromConfiguration(IConfiguration configuration, string? managementOption)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var rabbit = configuration.GetConnectionString("RabbitMq");
        var postgres = configuration.GetConnectionString("Postgres");
        var redis = configuration.GetConnectionString("Redis");
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(rabbit))
        {
            missing.Add("ConnectionStrings:RabbitMq (amqp URI)");
        }

        if (string.IsNullOrWhiteSpace(postgres))
        {
            missing.Add("ConnectionStrings:Postgres (Npgsql connection string of a user that may create databases)");
        }

        if (string.IsNullOrWhiteSpace(redis))
        {
            missing.Add("ConnectionStrings:Redis (StackExchange.Redis configuration string)");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "The bench runs the distributed profile and needs real servers; not set: " + string.Join(", ", missing)
                + ". Set them as environment variables (ConnectionStrings__RabbitMq, ConnectionStrings__Postgres, ConnectionStrings__Redis), "
                + "e.g. by sourcing the env file that `scripts/test.sh --servers-only` writes.");
        }

        var management = managementOption
            ?? configuration["RabbitMq:ManagementUri"]
            ?? configuration["MAINTENANCE_TEST_RABBITMQ_MANAGEMENT"];
        return new BenchServers(rabbit!, postgres!, redis!, management);
    }
}
