namespace Maintenance.Host;

/// <summary>
/// Embedded (nothing configured: in-memory bus, SQLite, in-process Garnet, sample data) or distributed
/// (RabbitMQ, PostgreSQL, Redis named by ConnectionStrings:*).
/// </summary>
public sealed record MaintenanceProfile(bool IsEmbedded, string Transport, string Database, string Redis)
{
    public static MaintenanceProfile From(IConfiguration configuration)
    {
        var rabbit = configuration.GetConnectionString("RabbitMq");
        var postgres = configuration.GetConnectionString("Postgres");
        var redis = configuration.GetConnectionString("Redis");
        var embedded = string.IsNullOrWhiteSpace(rabbit) && string.IsNullOrWhiteSpace(postgres) && string.IsNullOrWhiteSpace(redis);
        return new MaintenanceProfile(
            embedded,
            string.IsNullOrWhiteSpace(rabbit) ? "in-memory" : "rabbitmq",
            string.IsNullOrWhiteSpace(postgres) ? "sqlite" : "postgresql",
            string.IsNullOrWhiteSpace(redis) ? "embedded garnet" : "redis");
    }
}
