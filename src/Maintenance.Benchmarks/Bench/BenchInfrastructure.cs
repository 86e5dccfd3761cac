using Spectre.Console;

namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// The bench's own corner of each server, created empty for this run and marked as its own: a PostgreSQL database,
/// an empty Redis database it claims, and a RabbitMQ virtual host. At the end it removes exactly these, each after
/// checking its mark; nothing else on the servers is touched.
/// </summary>
public sealed class BenchInfrastructure : IAsyncDisposable
{
    private readonly BenchServers _servers;
    private readonly BenchOwner _owner;
    private readonly OwnedVirtualHost _virtualHosts;
    private readonly bool _keep;
    private string? _database;
    private int? _redisDatabase;
    private string? _virtualHost;

    private BenchInfrastructure(BenchServers servers, BenchOwner owner, bool keep)
    {
        _servers = servers;
        _owner = owner;
        _keep = keep;
        _virtualHosts = new OwnedVirtualHost(new Uri(servers.RabbitMq), servers.RabbitMqManagement is null ? null : new Uri(servers.RabbitMqManagement));
    }

    /// <summary>amqp URI of the bench's virtual host.</summary>
    public string RabbitMq { get; private set; } = "";

    /// <summary>Npgsql connection string of the bench database.</summary>
    public string Postgres { get; private set; } = "";

    /// <summary>StackExchange.Redis configuration string with the bench's <c>defaultDatabase</c>.</summary>
    public string Redis { get; private set; } = "";

    public string Describe() => $"PostgreSQL database {_database}, Redis database {_redisDatabase}, RabbitMQ virtual host {_virtualHost} (marked '{_owner.Marker}')";

    /// <param name="database">A database name of the caller's choice (must not exist); null for a fresh name.</param>
    /// <param name="redisDatabase">A Redis database of the caller's choice (must be empty); null for the highest empty one.</param>
    /// <param name="keep">Leave the three in place at the end, for inspection.</param>
    /// <exception cref="BenchRefusedException">Something of the same name exists, or is not empty: nothing was changed.</exception>
    public static async Task<BenchInfrastructure> CreateAsync(BenchServers servers, string? database, int? redisDatabase, bool keep, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var owner = BenchOwner.New();
        var infrastructure = new BenchInfrastructure(servers, owner, keep);
        try
        {
            var name = database ?? owner.Name("maintenance_bench_");
            infrastructure.Postgres = await OwnedDatabase.CreateAsync(servers.Postgres, name, owner, ct);
            infrastructure._database = name;
            (infrastructure.Redis, var claimed) = await OwnedRedisDatabase.ClaimAsync(servers.Redis, redisDatabase, owner);
            infrastructure._redisDatabase = claimed;
            var virtualHost = owner.Name("maintenance-bench-");
            infrastructure.RabbitMq = (await infrastructure._virtualHosts.CreateAsync(virtualHost, owner, ct)).AbsoluteUri;
            infrastructure._virtualHost = virtualHost;
            return infrastructure;
        }
        catch
        {
            await infrastructure.RemoveAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_keep)
        {
            Say($"kept for inspection: {Describe()}");
        }
        else
        {
            await RemoveAsync();
        }

        _virtualHosts.Dispose();
    }

    /// <summary>Removes what this run created, each only after its mark is checked; a refusal is reported, not thrown.</summary>
    private async Task RemoveAsync()
    {
        await Attempt("virtual host", () => _virtualHost is null ? Task.CompletedTask : _virtualHosts.DeleteAsync(_virtualHost, _owner, CancellationToken.None));
        await Attempt("Redis database", () => _redisDatabase is not { } db ? Task.CompletedTask : OwnedRedisDatabase.FlushAsync(_servers.Redis, db, _owner));
        await Attempt("database", () => _database is null ? Task.CompletedTask : OwnedDatabase.DropAsync(_servers.Postgres, _database, _owner, CancellationToken.None));
    }

    private static async Task Attempt(string what, Func<Task> remove)
    {
        try
        {
            await remove();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Say($"[yellow]could not remove the bench's {what}: {Markup.Escape(e.Message)}[/]");
        }
    }

    private static void Say(string markup) => AnsiConsole.MarkupLine(markup);
}
