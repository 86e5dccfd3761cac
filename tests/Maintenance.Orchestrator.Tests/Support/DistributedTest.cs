using Maintenance.Testing;

namespace Maintenance.Orchestrator.Tests.Support;

/// <summary>
/// A test on real servers: a fresh PostgreSQL database, a fresh RabbitMQ virtual host and an emptied Redis database,
/// with helpers to start orchestrator and worker hosts on them (each its own bus, as separate processes would be).
/// </summary>
public abstract class DistributedTest(PostgresServer postgres, RabbitMqServer rabbitMq, RedisServer redis) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    protected string Postgres { get; private set; } = "";

    protected Uri VirtualHost { get; private set; } = null!;

    protected string Redis { get; private set; } = "";

    protected RabbitMqServer RabbitMq { get; } = rabbitMq;

    public virtual async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Postgres = await postgres.CreateDatabaseAsync(ct);
        VirtualHost = await RabbitMq.CreateVirtualHostAsync(ct);
        var lease = await redis.LeaseDatabaseAsync(ct);
        _owned.Add(lease);
        Redis = lease.ConnectionString;
    }

    public virtual async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected TestSetup Setup(bool saga, bool workers, TaskScript? script = null, Dictionary<string, string?>? settings = null) => new()
    {
        RabbitMq = VirtualHost,
        RabbitMqUser = RabbitMq.UserName,
        RabbitMqPassword = RabbitMq.Password,
        Postgres = Postgres,
        Redis = Redis,
        Saga = saga,
        Workers = workers,
        Script = script ?? new TaskScript(),
        Settings = settings ?? [],
    };

    protected async Task<TestOrchestrator> StartAsync(TestSetup setup)
    {
        var host = await TestOrchestrator.StartAsync(setup);
        _owned.Add(host);
        return host;
    }

    protected Task<TestOrchestrator> StartOrchestratorAsync(Dictionary<string, string?>? settings = null) =>
        StartAsync(Setup(saga: true, workers: false, settings: settings));

    protected Task<TestOrchestrator> StartWorkersAsync(TaskScript? script = null) =>
        StartAsync(Setup(saga: false, workers: true, script));
}
