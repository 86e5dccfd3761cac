using StackExchange.Redis;

namespace Maintenance.Testing;

/// <summary>
/// The Redis server named by MAINTENANCE_TEST_REDIS (host:port, or any StackExchange.Redis configuration string),
/// shared by every test of an assembly: each test leases one numbered database, emptied for it.
/// Leases are recorded in database 0 with SET NX, so test assemblies running in parallel processes
/// never share a database; when all are taken (a server with the usual 16), a lease waits for a free one.
/// Register with <c>[assembly: AssemblyFixture(typeof(RedisServer))]</c>.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Variable = "MAINTENANCE_TEST_REDIS";
    private const string LeaseKeyPrefix = "maintenance-test:lease:";

    // Outlives any single test; a crashed run's leases free themselves after it.
    private static readonly TimeSpan LeaseExpiry = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan LeaseWaitLimit = TimeSpan.FromMinutes(5);

    private const string ReleaseIfOwnedScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private readonly Lazy<Task<(Connection? Connection, string? Problem)>> _connection;

    public RedisServer()
    {
        _connection = new Lazy<Task<(Connection?, string?)>>(ConnectAsync);
    }

    /// <summary>
    /// An emptied database reserved for the calling test until the lease is disposed;
    /// its connection string selects it with defaultDatabase=N.
    /// </summary>
    public async Task<RedisLease> LeaseDatabaseAsync(CancellationToken ct = default)
    {
        var (connection, problem) = await _connection.Value;
        if (connection is null)
        {
            MissingServer.Report(problem!);
        }

        var owner = Guid.NewGuid().ToString("N");
        var bookkeeping = connection.Multiplexer.GetDatabase(0);
        var server = connection.Multiplexer.GetServer(connection.Multiplexer.GetEndPoints()[0]);
        using var waitLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        waitLimit.CancelAfter(LeaseWaitLimit);

        while (true)
        {
            for (var database = 1; database < connection.DatabaseCount; database++)
            {
                var key = LeaseKeyPrefix + database;
                if (await bookkeeping.StringSetAsync(key, owner, LeaseExpiry, When.NotExists))
                {
                    await server.FlushDatabaseAsync(database);
                    var options = connection.Options.Clone();
                    options.DefaultDatabase = database;
                    return new RedisLease(options.ToString(includePassword: true), database,
                        () => bookkeeping.ScriptEvaluateAsync(ReleaseIfOwnedScript, [key], [owner]));
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), waitLimit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"All {connection.DatabaseCount - 1} Redis test databases stayed leased for {LeaseWaitLimit.TotalMinutes:0} minutes");
            }
        }
    }

    private static async Task<(Connection?, string?)> ConnectAsync()
    {
        var configuration = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(configuration))
        {
            return (null, $"{Variable} is not set (host:port of a Redis server; scripts/test.sh sets it)");
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            return (null, $"{Variable} is not a valid StackExchange.Redis configuration: {e.Message}");
        }

        var admin = options.Clone();
        admin.AllowAdmin = true;
        admin.AbortOnConnectFail = true;
        admin.ConnectTimeout = (int)ServerProbe.Timeout.TotalMilliseconds;
        admin.ConnectRetry = 1;
        // The lease bookkeeping must not fail a test because a loaded machine paused the server for a few seconds.
        admin.AsyncTimeout = 30_000;
        admin.SyncTimeout = 30_000;

        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(admin);
        }
        catch (RedisConnectionException e)
        {
            // The client's message goes on to advise abortConnect=false, which is no help here.
            var firstSentence = e.Message.Split(". ", 2)[0];
            return (null, $"Redis at {configuration} ({Variable}) does not answer: {firstSentence}");
        }

        var server = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
        var databases = await server.ConfigGetAsync("databases");
        var count = databases.Length == 1 && int.TryParse(databases[0].Value, out var n) ? n : 16;
        if (count < 2)
        {
            await multiplexer.DisposeAsync();
            return (null, $"Redis at {configuration} ({Variable}) has {count} database; tests need at least 2 (database 0 records the leases)");
        }

        return (new Connection(multiplexer, options, count), null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            var (connection, _) = await _connection.Value;
            if (connection is not null)
            {
                await connection.Multiplexer.DisposeAsync();
            }
        }
    }

    private sealed record Connection(ConnectionMultiplexer Multiplexer, ConfigurationOptions Options, int DatabaseCount);
}

/// <summary>One Redis database reserved for one test; disposing it frees the database for the next test.</summary>
public sealed class RedisLease : IAsyncDisposable
{
    private readonly Func<Task> _release;

    internal RedisLease(string connectionString, int database, Func<Task> release)
    {
        ConnectionString = connectionString;
        Database = database;
        _release = release;
    }

    /// <summary>A StackExchange.Redis configuration string with defaultDatabase set to <see cref="Database"/>.</summary>
    public string ConnectionString { get; }

    public int Database { get; }

    public async ValueTask DisposeAsync() => await _release();
}
