using Maintenance.Data.MarketData;

namespace Maintenance.Host;

/// <summary>
/// Embedded (nothing configured: in-memory bus, SQLite, in-process Garnet, sample data) or distributed
/// (RabbitMQ, PostgreSQL, Redis named by ConnectionStrings:*).
/// </summary>
public sealed record MaintenanceProfile(bool IsEmbedded, string Transport, string Database, string Redis)
{
    private static readonly string[] ConnectionStrings = ["RabbitMq", "Postgres", "Redis"];

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

    /// <summary>
    /// Null when a process of <paramref name="role"/> can work with these settings; otherwise what is missing.
    /// Only two wholes work: all three connection strings (the distributed profile) or none (the embedded profile,
    /// every role in one process). Anything between would leave an in-memory bus, a SQLite file or an in-process
    /// Redis that other processes cannot see.
    /// </summary>
    public static string? Problem(IConfiguration configuration, HostRole role)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var set = ConnectionStrings.Where(n => !string.IsNullOrWhiteSpace(configuration.GetConnectionString(n))).ToList();
        if (set.Count is > 0 and < 3)
        {
            var missing = ConnectionStrings.Except(set).Select(n => "ConnectionStrings:" + n);
            return $"{string.Join(" and ", set.Select(n => "ConnectionStrings:" + n))} {(set.Count == 1 ? "is" : "are")} set but {string.Join(" and ", missing)} {(set.Count == 2 ? "is" : "are")} not. "
                + "Set all three (the distributed profile) or none (the embedded profile, every role in this one process): "
                + "an in-memory bus, a SQLite file or an in-process Redis cannot be shared with other processes.";
        }

        if (set.Count == 0 && role != HostRole.All)
        {
            return $"the {role.ToString().ToLowerInvariant()} role alone needs the distributed profile (ConnectionStrings:RabbitMq, ConnectionStrings:Postgres, ConnectionStrings:Redis): "
                + "on the embedded profile nothing else can reach this process's in-memory bus; use --role all.";
        }

        if (set.Count == 3 && role.HasFlag(HostRole.Worker) && string.IsNullOrWhiteSpace(configuration["MarketData:Source"]))
        {
            return "MarketData:Source is not set: name FlatFiles, PolygonRest or FlatFilesThenRest. "
                + "Sample (synthetic bars) is the embedded profile's default and, elsewhere, used only when named.";
        }

        return null;
    }

    /// <summary>What the start-up log says about market data: the source that runs, and whether a setting changed it.</summary>
    public static (LogLevel Level, string Message) MarketDataNote(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(MarketDataServiceCollectionExtensions.SectionName);
        if (MarketDataServiceCollectionExtensions.IsSample(section))
        {
            return (LogLevel.Warning, "Market data: Sample, a generated synthetic market (not real prices)");
        }

        var named = section["Source"]!.Trim();
        var runs = MarketDataServiceCollectionExtensions.EffectiveSource(configuration);
        var files = string.IsNullOrWhiteSpace(section["FlatFilesPath"]) ? MarketDataServiceCollectionExtensions.DefaultFlatFilesPath : section["FlatFilesPath"]!.Trim();
        if (runs == "FlatFilesThenRest" && !named.Equals(runs, StringComparison.OrdinalIgnoreCase))
        {
            var why = named.Equals("FlatFiles", StringComparison.OrdinalIgnoreCase) ? "MarketData:PolygonApiKey is set" : "MarketData:FlatFilesPath is set";
            return (LogLevel.Warning, $"Market data: MarketData:Source is {named} but {why}, so it runs as FlatFilesThenRest: flat files from {files} first, "
                + "Polygon REST for a day whose file is not there yet. Name FlatFilesThenRest to say so, or remove the setting.");
        }

        return runs switch
        {
            "FlatFiles" => (LogLevel.Information, $"Market data: FlatFiles from {files}"),
            "PolygonRest" => (LogLevel.Information, "Market data: PolygonRest"),
            _ => (LogLevel.Information, $"Market data: FlatFilesThenRest, flat files from {files} first, Polygon REST for a day whose file is not there yet"),
        };
    }
}
