using Maintenance.Testing;
using StackExchange.Redis;

namespace Maintenance.Host.Tests.Smoke;

public sealed class GarnetSmokeTests
{
    [Fact]
    public async Task A_value_round_trips_through_an_embedded_Garnet_server()
    {
        await using var garnet = await EmbeddedGarnet.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var database = connection.GetDatabase();

        await database.HashSetAsync("atr:daily", "AAPL", """{"atr":2.5}""");
        await database.SetAddAsync("ticker:universe", ["AAPL", "MSFT"]);

        Assert.Equal("""{"atr":2.5}""", (string?)await database.HashGetAsync("atr:daily", "AAPL"));
        Assert.Equal(new[] { "AAPL", "MSFT" }, (await database.SetMembersAsync("ticker:universe")).Select(m => (string)m!).Order());
    }
}
