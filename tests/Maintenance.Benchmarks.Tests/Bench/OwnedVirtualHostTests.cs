using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Maintenance.Benchmarks.Bench;
using Maintenance.Testing;

namespace Maintenance.Benchmarks.Tests.Bench;

/// <summary>The bench deletes only a virtual host it created in the same run (real RabbitMQ management API).</summary>
public sealed class OwnedVirtualHostTests(RabbitMqServer rabbitMq)
{
    [Fact]
    public async Task A_virtual_host_without_the_bench_mark_is_not_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        var existing = await rabbitMq.CreateVirtualHostAsync(ct);
        var name = existing.AbsolutePath.TrimStart('/');
        using var hosts = new OwnedVirtualHost(Broker(), rabbitMq.ManagementUri);

        var delete = await Assert.ThrowsAsync<BenchRefusedException>(() => hosts.DeleteAsync(name, BenchOwner.New(), ct));
        var create = await Assert.ThrowsAsync<BenchRefusedException>(() => hosts.CreateAsync(name, BenchOwner.New(), ct));

        Assert.StartsWith($"Refusing to delete RabbitMQ virtual host '{name}'", delete.Message, StringComparison.Ordinal);
        Assert.StartsWith($"RabbitMQ virtual host '{name}' exists already", create.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(name, ct));
    }

    [Fact]
    public async Task Only_the_run_that_created_a_virtual_host_deletes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var hosts = new OwnedVirtualHost(Broker(), rabbitMq.ManagementUri);
        var creator = BenchOwner.New();
        var name = creator.Name("bench-test-");

        var uri = await hosts.CreateAsync(name, creator, ct);
        await Assert.ThrowsAsync<BenchRefusedException>(() => hosts.DeleteAsync(name, BenchOwner.New(), ct));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(name, ct));
        await hosts.DeleteAsync(name, creator, ct);

        Assert.Equal("/" + name, uri.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(name, ct));
    }

    private Uri Broker() => new UriBuilder(rabbitMq.BrokerUri) { UserName = rabbitMq.UserName, Password = rabbitMq.Password }.Uri;

    private async Task<HttpStatusCode> StatusOfAsync(string name, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = rabbitMq.ManagementUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbitMq.UserName}:{rabbitMq.Password}")));
        using var response = await http.GetAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(name)}", UriKind.Relative), ct);
        return response.StatusCode;
    }
}
