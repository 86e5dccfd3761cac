using System.Globalization;
using Maintenance.Contracts;
using Maintenance.Host.Commands;
using Maintenance.Host.Running;
using Maintenance.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Maintenance.Host.Tests.EndToEnd;

/// <summary>
/// The distributed profile in one test process: an orchestrator, a worker and the operator's client as three hosts
/// (three bus instances) on the test's own fresh database, leased Redis database and virtual host, with the sample
/// market in a folder of its own. Disposing stops the hosts in reverse order and gives the servers' share back.
/// </summary>
public sealed class DistributedProfile : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];
    private readonly RedisLease _redisLease;

    private DistributedProfile(string database, RedisLease redisLease, string sampleFolder)
    {
        Database = database;
        _redisLease = redisLease;
        SampleFolder = sampleFolder;
    }

    /// <summary>The Npgsql connection string of the run's database.</summary>
    public string Database { get; }

    public string RedisConnection => _redisLease.ConnectionString;

    /// <summary>Where the sample source writes its market.</summary>
    public string SampleFolder { get; }

    /// <summary>The operator's client (<c>run</c>'s <see cref="MaintenanceRunner"/>).</summary>
    public IHost Client => _hosts[^1];

    /// <param name="tickers">The sample universe's size.</param>
    public static async Task<DistributedProfile> StartAsync(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, int tickers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(postgres);
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(rabbitMq);
        var database = await postgres.CreateDatabaseAsync(ct);
        var profile = new DistributedProfile(database, await redis.LeaseDatabaseAsync(ct), Directory.CreateTempSubdirectory("maintenance-e2e-").FullName);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = (await rabbitMq.CreateVirtualHostAsync(ct)).ToString(),
            ["ConnectionStrings:Postgres"] = database,
            ["ConnectionStrings:Redis"] = profile.RedisConnection,
            ["MarketData:Source"] = "Sample",
            ["MarketData:SamplePath"] = profile.SampleFolder,
            ["MarketData:SampleTickers"] = tickers.ToString(CultureInfo.InvariantCulture),
            ["Maintenance:Schedule:Enabled"] = "false",
        };

        var orchestrator = Build(settings, b => b.AddMaintenance(HostRole.Orchestrator, MaintenanceSteps.InOrder));
        await MaintenanceSchema.EnsureAsync(orchestrator.Services, ct);
        await profile.StartAsync(orchestrator, ct);
        await profile.StartAsync(Build(settings, b => b.AddMaintenance(HostRole.Worker, MaintenanceSteps.InOrder)), ct);
        await profile.StartAsync(Build(settings, b => b.AddRunner(inProcess: false)), ct);
        return profile;
    }

    /// <summary>Sends <paramref name="start"/> as <c>run</c> does and waits for the run's end.</summary>
    public Task<RunOutcome> RunAsync(StartMaintenance start, TimeSpan timeout, CancellationToken ct) =>
        Client.Services.GetRequiredService<MaintenanceRunner>().RunAsync(start, _ => { }, timeout, ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }

        await _redisLease.DisposeAsync();
        Directory.Delete(SampleFolder, recursive: true);
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<IHostApplicationBuilder> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        configure(builder);
        return builder.Build();
    }

    private async Task StartAsync(IHost host, CancellationToken ct)
    {
        _hosts.Add(host);
        await host.StartAsync(ct);
    }
}
