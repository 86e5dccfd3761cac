using System.Net;
using System.Text.Json;
using Maintenance.Testing;

namespace Maintenance.Host.Tests.Processes;

/// <summary>
/// <c>serve</c> as a real process on real servers: when its broker goes away (its virtual host deleted, so the broker
/// closes the connection and refuses it back) <c>/health</c> answers 503 and names the bus.
/// </summary>
public sealed class BusHealthTests(RabbitMqServer rabbitMq, PostgresServer postgres, RedisServer redis)
{
    [Theory]
    [InlineData("orchestrator")]
    [InlineData("worker")]
    public async Task Health_is_503_naming_the_bus_once_the_broker_is_lost(string role)
    {
        var ct = TestContext.Current.CancellationToken;
        var virtualHost = await rabbitMq.CreateVirtualHostAsync(ct);
        await using var lease = await redis.LeaseDatabaseAsync(ct);
        var address = MaintenanceProcess.FreeLoopbackAddress();
        await using var serve = MaintenanceProcess.Start(
            ["serve", "--role", role, "--urls", address.AbsoluteUri.TrimEnd('/')],
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__RabbitMq"] = virtualHost.ToString(),
                ["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync(ct),
                ["ConnectionStrings__Redis"] = lease.ConnectionString,
                ["MarketData__Source"] = "FlatFiles",
                ["Maintenance__Schedule__Enabled"] = "false",
            });

        var healthy = await MaintenanceProcess.WaitForHealthAsync(address, HttpStatusCode.OK, TimeSpan.FromSeconds(90));
        Assert.True(healthy.Status == HttpStatusCode.OK, $"never healthy: {healthy.Status} {healthy.Body}\n{serve.Output}");

        await rabbitMq.DeleteVirtualHostAsync(virtualHost, ct);
        var lost = await MaintenanceProcess.WaitForHealthAsync(address, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60));

        Assert.True(lost.Status == HttpStatusCode.ServiceUnavailable, $"still {lost.Status} {lost.Body}");
        using var body = JsonDocument.Parse(lost.Body);
        var bus = Assert.Single(body.RootElement.GetProperty("checks").EnumerateObject(), c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual("healthy", bus.Value.GetProperty("status").GetString());
    }
}
