using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Maintenance.Host.Tests.Settings;

public sealed class MaintenanceProfileTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    private static readonly (string, string)[] AllThree =
    [
        ("ConnectionStrings:RabbitMq", "amqp://mq/"), ("ConnectionStrings:Postgres", "Host=db"), ("ConnectionStrings:Redis", "redis:6379"),
    ];

    [Fact]
    public void Nothing_configured_is_the_embedded_profile_with_every_role_and_the_sample_market()
    {
        Assert.Null(MaintenanceProfile.Problem(Config(), HostRole.All));
    }

    [Fact]
    public void All_three_servers_and_a_named_source_make_a_worker()
    {
        Assert.Null(MaintenanceProfile.Problem(Config([.. AllThree, ("MarketData:Source", "FlatFiles")]), HostRole.Worker));
        Assert.Null(MaintenanceProfile.Problem(Config(AllThree), HostRole.Orchestrator));
        Assert.Null(MaintenanceProfile.Problem(Config(AllThree), HostRole.None));
    }

    [Theory]
    [InlineData("RabbitMq", "ConnectionStrings:RabbitMq is set but ConnectionStrings:Postgres and ConnectionStrings:Redis are not.")]
    [InlineData("Postgres", "ConnectionStrings:Postgres is set but ConnectionStrings:RabbitMq and ConnectionStrings:Redis are not.")]
    public void One_server_alone_is_refused_naming_the_other_two(string name, string start)
    {
        var problem = MaintenanceProfile.Problem(Config(($"ConnectionStrings:{name}", "x")), HostRole.All);

        Assert.StartsWith(start, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_servers_are_refused_naming_the_third()
    {
        var problem = MaintenanceProfile.Problem(Config(AllThree[0], AllThree[2]), HostRole.None);

        Assert.StartsWith("ConnectionStrings:RabbitMq and ConnectionStrings:Redis are set but ConnectionStrings:Postgres is not.", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_distributed_worker_needs_a_named_source_but_the_orchestrator_does_not()
    {
        Assert.StartsWith("MarketData:Source is not set", MaintenanceProfile.Problem(Config(AllThree), HostRole.Worker), StringComparison.Ordinal);
        Assert.StartsWith("MarketData:Source is not set", MaintenanceProfile.Problem(Config(AllThree), HostRole.All), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FlatFiles", null, null, LogLevel.Information, "Market data: FlatFiles from .maintenance/flatfiles")]
    [InlineData("FlatFiles", "/data/market", "key", LogLevel.Warning, "Market data: MarketData:Source is FlatFiles but MarketData:PolygonApiKey is set, so it runs as FlatFilesThenRest: flat files from /data/market first")]
    [InlineData("PolygonRest", "/data/market", "key", LogLevel.Warning, "Market data: MarketData:Source is PolygonRest but MarketData:FlatFilesPath is set, so it runs as FlatFilesThenRest")]
    [InlineData("PolygonRest", null, "key", LogLevel.Information, "Market data: PolygonRest")]
    [InlineData("FlatFilesThenRest", "/data/market", "key", LogLevel.Information, "Market data: FlatFilesThenRest, flat files from /data/market first")]
    [InlineData(null, null, null, LogLevel.Warning, "Market data: Sample, a generated synthetic market")]
    public void The_start_up_log_says_which_source_runs_and_warns_when_a_setting_changed_it(string? source, string? path, string? key, LogLevel level, string start)
    {
        var settings = new List<(string, string)>();
        if (source is not null)
        {
            settings.Add(("MarketData:Source", source));
        }

        if (path is not null)
        {
            settings.Add(("MarketData:FlatFilesPath", path));
        }

        if (key is not null)
        {
            settings.Add(("MarketData:PolygonApiKey", key));
        }

        var (actualLevel, message) = MaintenanceProfile.MarketDataNote(Config([.. settings]));

        Assert.Equal(level, actualLevel);
        Assert.StartsWith(start, message, StringComparison.Ordinal);
    }
}
