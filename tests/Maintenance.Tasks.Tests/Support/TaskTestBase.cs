using System.Data.Common;
using System.Globalization;
using Maintenance.Contracts;
using Maintenance.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using StackExchange.Redis;

namespace Maintenance.Tasks.Tests.Support;

/// <summary>
/// What every task test gets: its own stores (<see cref="Stores"/>: by default a SQLite file and an in-process Garnet,
/// no server needed), the shared sample files, and ways to start workers — which run each command straight through
/// its step service, or over RabbitMQ on a virtual host of the test's own when <see cref="OverTheBus"/> — and to read
/// the stores back with plain SQL and Redis commands.
/// </summary>
public abstract class TaskTestBase(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private ConnectionMultiplexer? _redis;
    private string? _sqliteFolder;

    protected SampleFiles Sample { get; } = sample;

    /// <summary>Where this test's worker keeps its data; a test class whose SQL differs between the databases says <see cref="TestStores.Servers"/>.</summary>
    protected virtual TestStores Stores => TestStores.Embedded;

    /// <summary>Whether commands travel over RabbitMQ to the steps' consumers, for tests of the bus itself.</summary>
    protected virtual bool OverTheBus => false;

    /// <summary>The PostgreSQL connection string, or the SQLite file's path with <see cref="TestStores.Embedded"/>.</summary>
    protected string Database { get; private set; } = "";

    protected string RedisConnection { get; private set; } = "";

    /// <summary>The test's RabbitMQ virtual host; only with <see cref="OverTheBus"/>.</summary>
    protected Uri VirtualHost { get; private set; } = null!;

    protected IDatabase Redis => _redis!.GetDatabase();

    protected IServer RedisServer => _redis!.GetServers()[0];

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        if (Stores == TestStores.Servers)
        {
            Database = await postgres.CreateDatabaseAsync(ct);
            var lease = await redis.LeaseDatabaseAsync(ct);
            _owned.Add(lease);
            RedisConnection = lease.ConnectionString;
        }
        else
        {
            _sqliteFolder = Path.Combine(Path.GetTempPath(), "tasks-sqlite-" + Guid.NewGuid().ToString("N")[..8]);
            Database = Path.Combine(_sqliteFolder, "maintenance.db");
            var garnet = await EmbeddedGarnet.StartAsync();
            _owned.Add(garnet);
            RedisConnection = garnet.ConnectionString;
        }

        _redis = await ConnectionMultiplexer.ConnectAsync(RedisConnection + ",allowAdmin=true");
        if (OverTheBus)
        {
            VirtualHost = await rabbitMq.CreateVirtualHostAsync(ct);
        }
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

        if (_sqliteFolder is not null && Directory.Exists(_sqliteFolder))
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_sqliteFolder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// The worker's configuration: this test's stores and the shared sample market (the sample source over its
    /// folder), or, given a <paramref name="folder"/>, plain flat files from there (which are not generated on demand).
    /// </summary>
    protected Dictionary<string, string?> Settings(string? folder = null)
    {
        var settings = new Dictionary<string, string?>
        {
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
        settings[Stores == TestStores.Servers ? "ConnectionStrings:Postgres" : "Storage:SqlitePath"] = Database;
        return settings;
    }

    protected Task<TaskWorker> StartWorkerAsync(Dictionary<string, string?> settings, bool collectEvents, params MaintenanceStep[] steps) =>
        StartWorkerAsync(settings, collectEvents, null, steps);

    /// <param name="replace">Changes to the worker's services after the standard registration, e.g. a failing provider.</param>
    protected async Task<TaskWorker> StartWorkerAsync(Dictionary<string, string?> settings, bool collectEvents, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? replace, params MaintenanceStep[] steps)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var applySchema = settings.GetValueOrDefault("ConnectionStrings:Postgres") is not { } named || named == Database;
        var worker = await TaskWorker.StartAsync(OverTheBus ? VirtualHost : null, settings, steps, collectEvents, replace, applySchema);
        _owned.Add(worker);
        return worker;
    }

    protected Task<TaskWorker> StartWorkerAsync(params MaintenanceStep[] steps) => StartWorkerAsync(Settings(), true, steps);

    /// <summary>Runs a command and returns its completion event (a failure event fails the test).</summary>
    protected static async Task<MaintenanceStepCompleted> RunAsync(TaskWorker worker, MaintenanceStep step, Func<Guid, RunMaintenanceStep> command)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(command);
        var answer = await worker.AnswerAsync(command(Guid.NewGuid()));
        return answer switch
        {
            MaintenanceStepCompleted done => done,
            MaintenanceStepFailed failed => throw new Xunit.Sdk.XunitException($"{failed.Step} failed (retryable {failed.Retryable}): {failed.Reason}"),
            _ => throw new Xunit.Sdk.XunitException($"{step}: expected MaintenanceStepCompleted, got {answer}"),
        };
    }

    /// <summary>Runs a command and returns its failure event (a completion fails the test).</summary>
    protected static async Task<MaintenanceStepFailed> RunToFailureAsync(TaskWorker worker, MaintenanceStep step, Func<Guid, RunMaintenanceStep> command)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(command);
        var answer = await worker.AnswerAsync(command(Guid.NewGuid()));
        return answer as MaintenanceStepFailed ?? throw new Xunit.Sdk.XunitException($"{step}: expected MaintenanceStepFailed, got {answer}");
    }

    /// <summary>
    /// Every row of a query as text, one line per row, for exact comparisons of whole tables. Values read the same from
    /// either database: a date as <c>yyyy-MM-dd</c>, a boolean as 1 or 0 (as SQLite stores it).
    /// </summary>
    protected async Task<List<string>> DumpAsync(string sql)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                fields[i] = reader.GetValue(i) switch
                {
                    DBNull => "null",
                    bool flag => flag ? "1" : "0",
                    DateTime { TimeOfDay.Ticks: 0 } day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    var value => Convert.ToString(value, CultureInfo.InvariantCulture)!,
                };
            }

            rows.Add(string.Join("|", fields));
        }

        return rows;
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task<DbConnection> OpenDatabaseAsync()
    {
        DbConnection connection = Stores == TestStores.Servers
            ? new NpgsqlConnection(Database)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Database, Pooling = false }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
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
