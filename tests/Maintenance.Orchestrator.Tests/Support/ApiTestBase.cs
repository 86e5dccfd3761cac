using Maintenance.Testing;

namespace Maintenance.Orchestrator.Tests.Support;

/// <summary>
/// What an API test gets: an in-process Garnet for the Redis side, and orchestrators with the API started on it,
/// each stopped (before the Garnet) when the test ends.
/// </summary>
public abstract class ApiTestBase : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>The Redis connection string of the test's Garnet.</summary>
    protected string RedisConnection { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var garnet = await EmbeddedGarnet.StartAsync();
        _owned.Add(garnet);
        RedisConnection = garnet.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts an orchestrator with the API as <paramref name="setup"/> says; it is stopped when the test ends.</summary>
    protected async Task<TestApi> StartApiAsync(TestSetup setup, bool createSchema = true)
    {
        var api = await TestApi.StartAsync(setup, createSchema);
        _owned.Add(api);
        return api;
    }
}
