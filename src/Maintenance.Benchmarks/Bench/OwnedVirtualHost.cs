using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// A RabbitMQ virtual host the bench creates for one run through the management API, with the run's mark as its
/// description; it is deleted only while the description still names the run. The bench never runs its services on a
/// virtual host it did not create (they would join whatever bus lives there).
/// </summary>
public sealed class OwnedVirtualHost : IDisposable
{
    private readonly HttpClient _management;
    private readonly Uri _broker;

    /// <param name="broker">amqp URI of the broker, with the user the bench connects as.</param>
    /// <param name="management">The management API's base URI; default port 15672 of the broker's host.</param>
    public OwnedVirtualHost(Uri broker, Uri? management)
    {
        ArgumentNullException.ThrowIfNull(broker);
        _broker = broker;
        var baseUri = management ?? new Uri($"http://{broker.Host}:15672/");
        _management = new HttpClient { BaseAddress = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var credentials = Encoding.UTF8.GetBytes($"{UserName}:{Password}");
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
    }

    private string UserName => Uri.UnescapeDataString(_broker.UserInfo.Split(':')[0]);

    private string Password => _broker.UserInfo.Contains(':', StringComparison.Ordinal) ? Uri.UnescapeDataString(_broker.UserInfo.Split(':', 2)[1]) : "";

    /// <summary>Creates <paramref name="name"/> with the run's mark and full rights for the bench's user; answers its amqp URI.</summary>
    /// <exception cref="BenchRefusedException">A virtual host of that name exists, or the management API is not usable.</exception>
    public async Task<Uri> CreateAsync(string name, BenchOwner owner, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        try
        {
            if (await DescriptionAsync(name, ct) is not null)
            {
                throw new BenchRefusedException($"RabbitMQ virtual host '{name}' exists already: the bench uses only virtual hosts it creates itself in the run.");
            }

            using (var created = await _management.PutAsJsonAsync(PathOf(name), new { description = owner.Marker, tags = "maintenance-bench" }, ct))
            {
                created.EnsureSuccessStatusCode();
            }

            var permissions = new { configure = ".*", write = ".*", read = ".*" };
            using var granted = await _management.PutAsJsonAsync(new Uri($"api/permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(UserName)}", UriKind.Relative), permissions, ct);
            granted.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new BenchRefusedException(
                $"The RabbitMQ management API at {_management.BaseAddress} is not usable ({e.Message}): the bench needs it to create a virtual host of its own "
                + "and will not run its services on an existing one. Give --rabbitmq-management URL.");
        }

        return new UriBuilder(_broker) { Path = "/" + Uri.EscapeDataString(name) }.Uri;
    }

    /// <summary>Deletes <paramref name="name"/> (with its queues) if its description names this run.</summary>
    /// <exception cref="BenchRefusedException">The virtual host has no mark or another run's: it is left as it is.</exception>
    public async Task DeleteAsync(string name, BenchOwner owner, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var description = await DescriptionAsync(name, ct);
        if (description is null)
        {
            return;
        }

        if (description != owner.Marker)
        {
            throw new BenchRefusedException(
                $"Refusing to delete RabbitMQ virtual host '{name}': it was not created by this bench run (its description is '{description}', expected '{owner.Marker}').");
        }

        using var deleted = await _management.DeleteAsync(PathOf(name), ct);
        deleted.EnsureSuccessStatusCode();
    }

    public void Dispose() => _management.Dispose();

    /// <summary>The virtual host's description ("" when it has none); null when there is no such virtual host.</summary>
    private async Task<string?> DescriptionAsync(string name, CancellationToken ct)
    {
        using var response = await _management.GetAsync(PathOf(name), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return document.RootElement.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String ? description.GetString() : "";
    }

    private static Uri PathOf(string name) => new($"api/vhosts/{Uri.EscapeDataString(name)}", UriKind.Relative);
}
