using Maintenance.Orchestrator.Api;
using Maintenance.Contracts;
using Maintenance.Orchestrator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maintenance.Host.Tests.RunPage;

/// <summary>
/// <c>maintenance serve</c> on the embedded profile (in-memory bus, SQLite, in-process Garnet, every role in one
/// process) listening on a free loopback port, its files in a folder of its own.
/// </summary>
public sealed class RunPageHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private RunPageHost(WebApplication app, string folder, Uri address)
    {
        _app = app;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>A folder removed with the host, for files a test prepares (flat files).</summary>
    public static string NewFolder() => Directory.CreateTempSubdirectory("maintenance-run-page-").FullName;

    /// <param name="settings">Added to, and overriding, the embedded defaults below.</param>
    /// <param name="clock">The orchestrator's clock; the system's when null.</param>
    public static async Task<RunPageHost> StartAsync(string folder, Dictionary<string, string?> settings, CancellationToken ct, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:SqlitePath"] = Path.Combine(folder, "maintenance.db"),
            ["MarketData:SamplePath"] = Path.Combine(folder, "sample"),
            ["MarketData:SampleTickers"] = "20",
            ["Maintenance:Schedule:Enabled"] = "false",
            ["Tasks:EnrichMetadata:RateLimit"] = "1000",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.AddMaintenance(HostRole.All, MaintenanceSteps.InOrder);
        builder.Services.AddMaintenanceApi(builder.Configuration);

        var app = builder.Build();
        await MaintenanceSchema.EnsureAsync(app.Services, ct);
        app.MapMaintenanceApi();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunPageHost(app, folder, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        _app.Services.GetService<EmbeddedRedisServer>()?.Dispose();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The system clock moved to start at <paramref name="start"/>; it goes on ticking from there.</summary>
public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _shift = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _shift;
}
