using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Maintenance.Testing;

/// <summary>
/// The RabbitMQ broker named by MAINTENANCE_TEST_RABBITMQ (amqp://user:pass@host:port/) and its management API
/// (MAINTENANCE_TEST_RABBITMQ_MANAGEMENT, default http://host:15672/), shared by every test of an assembly:
/// each test gets its own virtual host, deleted when the run ends.
/// Register with <c>[assembly: AssemblyFixture(typeof(RabbitMqServer))]</c>.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    public const string Variable = "MAINTENANCE_TEST_RABBITMQ";
    public const string ManagementVariable = "MAINTENANCE_TEST_RABBITMQ_MANAGEMENT";
    private const int DefaultAmqpPort = 5672;
    private const int DefaultManagementPort = 15672;

    private readonly Lazy<Task<string?>> _unavailableReason;
    private readonly ConcurrentQueue<string> _virtualHosts = new();
    private readonly Lazy<(BrokerAddress? Address, string? Problem)> _address = new(ReadAddress);
    private HttpClient? _management;

    public RabbitMqServer()
    {
        _unavailableReason = new Lazy<Task<string?>>(ProbeAsync);
    }

    /// <summary>amqp://user:pass@host:port/ of the broker's default virtual host.</summary>
    public Uri BrokerUri => Address.Broker;

    /// <summary>http://host:port/ of the management API.</summary>
    public Uri ManagementUri => Address.Management;

    public string UserName => Address.UserName;

    public string Password => Address.Password;

    /// <summary>The amqp URI of a new, empty virtual host that belongs to the calling test; the user has full rights on it.</summary>
    public async Task<Uri> CreateVirtualHostAsync(CancellationToken ct = default)
    {
        var reason = await _unavailableReason.Value;
        if (reason is not null)
        {
            MissingServer.Report(reason);
        }

        var address = Address;
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        var management = Management(address);

        using (var created = await management.PutAsync(new Uri($"api/vhosts/{name}", UriKind.Relative), JsonContent.Create(new { }), ct))
        {
            await EnsureSuccessAsync(created, $"create virtual host {name}", ct);
        }

        _virtualHosts.Enqueue(name);

        var permissions = new { configure = ".*", write = ".*", read = ".*" };
        var permissionsPath = new Uri($"api/permissions/{name}/{Uri.EscapeDataString(address.UserName)}", UriKind.Relative);
        using (var granted = await management.PutAsync(permissionsPath, JsonContent.Create(permissions), ct))
        {
            await EnsureSuccessAsync(granted, $"grant {address.UserName} rights on virtual host {name}", ct);
        }

        return new UriBuilder(address.Broker) { Path = "/" + name }.Uri;
    }

    /// <summary>
    /// Deletes one of the calling test's virtual hosts now: the broker closes every connection to it and refuses new
    /// ones, so a service on it has lost its broker while the broker itself keeps serving other tests.
    /// </summary>
    public async Task DeleteVirtualHostAsync(Uri virtualHost, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(virtualHost);
        var name = Uri.UnescapeDataString(virtualHost.AbsolutePath.TrimStart('/'));
        using var deleted = await Management(Address).DeleteAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(name)}", UriKind.Relative), ct);
        await EnsureSuccessAsync(deleted, $"delete virtual host {name}", ct);
    }

    private BrokerAddress Address
    {
        get
        {
            var (address, problem) = _address.Value;
            if (address is null)
            {
                MissingServer.Report(problem!);
            }

            return address;
        }
    }

    private HttpClient Management(BrokerAddress address)
    {
        if (_management is not null)
        {
            return _management;
        }

        var client = new HttpClient { BaseAddress = address.Management, Timeout = TimeSpan.FromSeconds(60) };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{address.UserName}:{address.Password}"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return Interlocked.CompareExchange(ref _management, client, null) ?? client;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException($"RabbitMQ management API could not {what}: {(int)response.StatusCode} {response.ReasonPhrase} {body}");
        }
    }

    private async Task<string?> ProbeAsync()
    {
        var (address, problem) = _address.Value;
        if (address is null)
        {
            return problem;
        }

        var amqpProblem = await ServerProbe.TcpAsync(address.Broker.Host, address.Broker.Port);
        if (amqpProblem is not null)
        {
            return $"RabbitMQ ({Variable}) does not answer: {amqpProblem}";
        }

        try
        {
            using var timeout = new CancellationTokenSource(ServerProbe.Timeout);
            // whoami: the cheapest call that also proves the credentials.
            using var whoami = await Management(address).GetAsync(new Uri("api/whoami", UriKind.Relative), timeout.Token);
            return whoami.IsSuccessStatusCode
                ? null
                : $"RabbitMQ management API at {address.Management} ({ManagementVariable}) answered {(int)whoami.StatusCode} {whoami.ReasonPhrase}";
        }
        catch (OperationCanceledException)
        {
            return $"RabbitMQ management API at {address.Management} ({ManagementVariable}) gave no answer within {ServerProbe.Timeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException e)
        {
            return $"RabbitMQ management API at {address.Management} ({ManagementVariable}) does not answer: {e.Message}";
        }
    }

    private static (BrokerAddress? Address, string? Problem) ReadAddress()
    {
        var broker = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(broker))
        {
            return (null, $"{Variable} is not set (amqp URI of a RabbitMQ broker with the management plugin; scripts/test.sh sets it)");
        }

        if (!Uri.TryCreate(broker, UriKind.Absolute, out var brokerUri) || brokerUri.Scheme is not ("amqp" or "amqps"))
        {
            return (null, $"{Variable} is not an amqp:// URI: '{broker}'");
        }

        var userInfo = brokerUri.UserInfo.Split(':', 2);
        var userName = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest";
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest";
        var port = brokerUri.IsDefaultPort || brokerUri.Port < 0 ? DefaultAmqpPort : brokerUri.Port;
        var root = new UriBuilder(brokerUri.Scheme, brokerUri.Host, port, "/")
        {
            UserName = Uri.EscapeDataString(userName),
            Password = Uri.EscapeDataString(password),
        }.Uri;

        var management = Environment.GetEnvironmentVariable(ManagementVariable);
        Uri managementUri;
        if (string.IsNullOrWhiteSpace(management))
        {
            managementUri = new UriBuilder("http", brokerUri.Host, DefaultManagementPort, "/").Uri;
        }
        else if (!Uri.TryCreate(management.EndsWith('/') ? management : management + "/", UriKind.Absolute, out managementUri!)
                 || managementUri.Scheme is not ("http" or "https"))
        {
            return (null, $"{ManagementVariable} is not an http(s):// URI: '{management}'");
        }

        return (new BrokerAddress(root, managementUri, userName, password), null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_management is null)
        {
            return;
        }

        try
        {
            while (_virtualHosts.TryDequeue(out var name))
            {
                using var deleted = await _management.DeleteAsync(new Uri($"api/vhosts/{name}", UriKind.Relative));
                if (deleted.StatusCode != System.Net.HttpStatusCode.NotFound)
                {
                    // Not found: the test deleted it itself.
                    await EnsureSuccessAsync(deleted, $"delete virtual host {name}", CancellationToken.None);
                }
            }
        }
        finally
        {
            _management.Dispose();
        }
    }

    private sealed record BrokerAddress(Uri Broker, Uri Management, string UserName, string Password);
}
