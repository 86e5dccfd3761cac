using Maintenance.Orchestrator.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Maintenance.Orchestrator.Tests.Support;

/// <summary>The operator API on an in-process test server, over the orchestrator and workers of a <see cref="TestSetup"/>.</summary>
public sealed class TestApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApi(WebApplication app, TestSetup setup)
    {
        _app = app;
        Setup = setup;
        Client = app.GetTestClient();
    }

    public TestSetup Setup { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="createSchema">False leaves the saga tables missing: the database check must then fail.</param>
    public static async Task<TestApi> StartAsync(TestSetup setup, bool createSchema = true)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(setup.Configuration());
        builder.Logging.ClearProviders();
        if (FileLog.Path is { Length: > 0 } logPath)
        {
            builder.Logging.AddProvider(new FileLog(logPath));
        }

        setup.Register(builder.Services, builder.Configuration);
        builder.Services.AddMaintenanceApi(builder.Configuration);
        var app = builder.Build();
        app.MapMaintenanceApi();
        if (createSchema)
        {
            await app.Services.EnsureSagaSchemaAsync(TestContext.Current.CancellationToken);
        }

        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestApi(app, setup);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Setup.DeleteSqliteFolder();
    }
}
