using System.Globalization;
using Maintenance.Contracts;
using Maintenance.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Maintenance.Tasks.Tests.Support;

/// <summary>
/// What every task test gets: a fresh database, an emptied Redis database and a fresh RabbitMQ virtual host, the
/// shared sample files, and ways to start workers and read the stores back with plain SQL and Redis commands.
/// </summary>
public abstract class TaskTestBase(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private ConnectionMultiplexer? _redis;

    protected SampleFiles Sample { get; } = sample;

    protected string Database { get; private set; } = "";

    protected string RedisConnection { get; private set; } = "";

    protected Uri VirtualHost { get; private set; } = null!;

    protected IDatabase Redis => _redis!.GetDatabase();

    protected IServer RedisServer => _redis!.GetServers()[0];

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Database = await postgres.CreateDatabaseAsync(ct);
        var lease = await redis.LeaseDatabaseAsync(ct);
        _owned.Add(lease);
        RedisConnection = lease.ConnectionString;
        _redis = await ConnectionMultiplexer.ConnectAsync(RedisConnection + ",allowAdmin=true");
        VirtualHost = await rabbitMq.CreateVirtualHostAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The worker's configuration: this test's servers and the shared sample market (the sample source over its
    /// folder), or, given a <paramref name="folder"/>, plain flat files from there (which are not generated on demand).
    /// </summary>
    protected Dictionary<string, string?> Settings(string? folder = null) => new()
    {
        ["ConnectionStrings:Postgres"] = Database,
        ["ConnectionStrings:Redis"] = RedisConnection,
        ["MarketData:Source"] = folder is null ? "Sample" : "FlatFiles",
        ["MarketData:FlatFilesPath"] = folder,
        ["MarketData:SamplePath"] = Sample.Root,
        ["MarketData:SampleTickers"] = SampleFiles.Tickers.ToString(CultureInfo.InvariantCulture),
        ["MarketData:SampleSeed"] = SampleFiles.Seed.ToString(CultureInfo.InvariantCulture),
        ["Tasks:Atr:LookbackDays"] = SampleFiles.AtrLookbackDays.ToString(CultureInfo.InvariantCulture),
        ["Tasks:Retry:Intervals:0"] = "00:00:00.200",
        ["Tasks:Retry:Intervals:1"] = "00:00:00.500",
    };

    protected Task<TaskWorker> StartWorkerAsync(Dictionary<string, string?> settings, bool collectEvents, params MaintenanceStep[] steps) =>
        StartWorkerAsync(settings, collectEvents, null, steps);

    /// <param name="replace">Changes to the worker's services after the standard registration, e.g. a failing provider.</param>
    protected async Task<TaskWorker> StartWorkerAsync(Dictionary<string, string?> settings, bool collectEvents, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? replace, params MaintenanceStep[] steps)
    {
        var worker = await TaskWorker.StartAsync(VirtualHost, settings, steps, collectEvents, replace, applySchema: settings.GetValueOrDefault("ConnectionStrings:Postgres") is not { } named || named == Database);
        _owned.Add(worker);
        return worker;
    }

    protected Task<TaskWorker> StartWorkerAsync(params MaintenanceStep[] steps) => StartWorkerAsync(Settings(), true, steps);

    /// <summary>Sends a command and waits for its completion event (a failure event fails the test).</summary>
    protected static async Task<MaintenanceStepCompleted> RunAsync(TaskWorker worker, MaintenanceStep step, Func<Guid, RunMaintenanceStep> command)
    {
        var runId = Guid.NewGuid();
        await worker.SendAsync(step, command(runId));
        return await worker.Inbox!.CompletedAsync(runId);
    }

    /// <summary>Sends a command and waits for its failure event (a completion fails the test).</summary>
    protected static async Task<MaintenanceStepFailed> RunToFailureAsync(TaskWorker worker, MaintenanceStep step, Func<Guid, RunMaintenanceStep> command)
    {
        var runId = Guid.NewGuid();
        await worker.SendAsync(step, command(runId));
        return await worker.Inbox!.FailedAsync(runId);
    }

    /// <summary>Every row of a query as text, one line per row, for exact comparisons of whole tables.</summary>
    protected async Task<List<string>> DumpAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                fields[i] = reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
            }

            rows.Add(string.Join("|", fields));
        }

        return rows;
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>All keys matching <paramref name="pattern"/> with their type, content and whether they expire, for exact comparisons.</summary>
    protected async Task<SortedDictionary<string, string>> RedisDumpAsync(string pattern)
    {
        var dump = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in RedisServer.KeysAsync(database: -1, pattern: pattern))
        {
            var type = await Redis.KeyTypeAsync(key);
            var content = type switch
            {
                RedisType.Hash => string.Join(",", (await Redis.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}").Order(StringComparer.Ordinal)),
                RedisType.Set => string.Join(",", (await Redis.SetMembersAsync(key)).Select(m => m.ToString()).Order(StringComparer.Ordinal)),
                RedisType.String => (await Redis.StringGetAsync(key)).ToString(),
                _ => type.ToString(),
            };
            var expires = await Redis.KeyTimeToLiveAsync(key) is not null;
            dump[key.ToString()] = $"{type}:{(expires ? "expiring" : "persistent")}:{content}";
        }

        return dump;
    }
}
