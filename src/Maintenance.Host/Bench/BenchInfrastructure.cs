using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Spectre.Console;
using StackExchange.Redis;

namespace Maintenance.Host.Bench;

/// <summary>The servers named by configuration (<c>ConnectionStrings:*</c>); the bench needs all three.</summary>
public sealed record BenchServers(string RabbitMq, string Postgres, string Redis, string? RabbitMqManagement)
{
    /// <exception cref="InvalidOperationException">A connection string is missing: the message names which and how to set it.</exception>
    public static BenchServers FromConfiguration(IConfiguration configuration, string? managementOption)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var rabbit = configuration.GetConnectionString("RabbitMq");
        var postgres = configuration.GetConnectionString("Postgres");
        var redis = configuration.GetConnectionString("Redis");
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(rabbit))
        {
            missing.Add("ConnectionStrings:RabbitMq (amqp URI)");
        }

        if (string.IsNullOrWhiteSpace(postgres))
        {
            missing.Add("ConnectionStrings:Postgres (Npgsql connection string of a user that may create databases)");
        }

        if (string.IsNullOrWhiteSpace(redis))
        {
            missing.Add("ConnectionStrings:Redis (StackExchange.Redis configuration string)");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "The bench runs the distributed profile and needs real servers; not set: " + string.Join(", ", missing)
                + ". Set them as environment variables (ConnectionStrings__RabbitMq, ConnectionStrings__Postgres, ConnectionStrings__Redis), "
                + "e.g. by sourcing the env file that `scripts/test.sh --servers-only` writes.");
        }

        var management = managementOption
            ?? configuration["RabbitMq:ManagementUri"]
            ?? configuration["MAINTENANCE_TEST_RABBITMQ_MANAGEMENT"];
        return new BenchServers(rabbit!, postgres!, redis!, management);
    }
}

/// <summary>
/// The bench's own corner of each server, empty at the start: a database it drops and creates, a Redis database it
/// flushes, and a fresh RabbitMQ virtual host it deletes at the end. Nothing outside them is touched.
/// </summary>
public sealed partial class BenchInfrastructure : IAsyncDisposable
{
    private readonly HttpClient? _management;
    private readonly string? _virtualHost;

    private BenchInfrastructure(string rabbitMq, string postgres, string redis, HttpClient? management, string? virtualHost)
    {
        RabbitMq = rabbitMq;
        Postgres = postgres;
        Redis = redis;
        _management = management;
        _virtualHost = virtualHost;
    }

    /// <summary>amqp URI of the bench's virtual host.</summary>
    public string RabbitMq { get; }

    /// <summary>Npgsql connection string of the bench database.</summary>
    public string Postgres { get; }

    /// <summary>StackExchange.Redis configuration string with the bench's <c>defaultDatabase</c>.</summary>
    public string Redis { get; }

    public static async Task<BenchInfrastructure> CreateAsync(BenchServers servers, string database, int redisDatabase, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (!DatabaseName().IsMatch(database))
        {
            throw new ArgumentException($"--database must be a plain lower-case identifier such as maintenance_bench, got '{database}'.");
        }

        var postgres = await RecreateDatabaseAsync(servers.Postgres, database, ct);
        var redis = await FlushRedisDatabaseAsync(servers.Redis, redisDatabase);
        var (rabbit, management, virtualHost) = await CreateVirtualHostAsync(servers, ct);
        return new BenchInfrastructure(rabbit, postgres, redis, management, virtualHost);
    }

    /// <summary>Deletes the virtual host it created (with its queues); the database and Redis data stay for inspection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_management is null || _virtualHost is null)
        {
            return;
        }

        try
        {
            using var response = await _management.DeleteAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(_virtualHost)}", UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]could not delete the RabbitMQ virtual host {_virtualHost}: {(int)response.StatusCode}[/]");
            }
        }
        catch (HttpRequestException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]could not delete the RabbitMQ virtual host {_virtualHost}: {e.Message}[/]");
        }
        finally
        {
            _management.Dispose();
        }
    }

    private static async Task<string> RecreateDatabaseAsync(string connectionString, string database, CancellationToken ct)
    {
        var configured = new NpgsqlConnectionStringBuilder(connectionString);
        var admin = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Database = configured.Database is { Length: > 0 } name && name != database ? name : "postgres",
            Pooling = false,
        };
        try
        {
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync(ct);
            // The name is checked against a plain identifier pattern above; identifiers cannot be parameters.
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection))
            {
                await drop.ExecuteNonQueryAsync(ct);
            }

            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException(
                $"Could not drop and create the bench database '{database}' on {admin.Host}:{admin.Port} as {admin.Username}: {e.Message}. "
                + "The bench needs a user that may create databases.", e);
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
    }

    private static async Task<string> FlushRedisDatabaseAsync(string configuration, int database)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.DefaultDatabase = database;
        options.AllowAdmin = true;
        options.AbortOnConnectFail = true;
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
            {
                await server.FlushDatabaseAsync(database);
            }
        }
        catch (RedisException e)
        {
            throw new InvalidOperationException($"Could not flush Redis database {database} of {configuration}: {e.Message}", e);
        }

        var forServices = options.Clone();
        forServices.AllowAdmin = false;
        forServices.AbortOnConnectFail = false;
        return forServices.ToString(includePassword: true);
    }

    /// <summary>
    /// A fresh virtual host through the management API, so no queue or message of an earlier run is in the way.
    /// Without a reachable management API the configured virtual host is used as it is, with a warning.
    /// </summary>
    private static async Task<(string Uri, HttpClient? Management, string? VirtualHost)> CreateVirtualHostAsync(BenchServers servers, CancellationToken ct)
    {
        var address = RabbitMqAddress.Parse(servers.RabbitMq);
        var managementUri = servers.RabbitMqManagement ?? $"http://{address.Host}:15672/";
        var management = new HttpClient { BaseAddress = new Uri(managementUri.EndsWith('/') ? managementUri : managementUri + "/"), Timeout = TimeSpan.FromSeconds(15) };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{address.Username}:{address.Password}")));
        var virtualHost = "maintenance-bench-" + Guid.NewGuid().ToString("N")[..8];
        var escaped = Uri.EscapeDataString(virtualHost);
        try
        {
            using (var created = await management.PutAsync(new Uri($"api/vhosts/{escaped}", UriKind.Relative), JsonContent.Create(new { }), ct))
            {
                created.EnsureSuccessStatusCode();
            }

            var permissions = new { configure = ".*", write = ".*", read = ".*" };
            using (var granted = await management.PutAsJsonAsync(new Uri($"api/permissions/{escaped}/{Uri.EscapeDataString(address.Username)}", UriKind.Relative), permissions, ct))
            {
                granted.EnsureSuccessStatusCode();
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            management.Dispose();
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]RabbitMQ management API at {managementUri} not usable ({e.Message}): using the configured virtual host '{address.VirtualHost}' as it is. Give --rabbitmq-management URL for a fresh one.[/]");
            return (servers.RabbitMq, null, null);
        }

        var uri = new UriBuilder("amqp", address.Host, address.Port, "/" + escaped)
        {
            UserName = Uri.EscapeDataString(address.Username),
            Password = Uri.EscapeDataString(address.Password),
        };
        return (uri.Uri.AbsoluteUri, management, virtualHost);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
