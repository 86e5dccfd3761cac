using Maintenance.Testing;
using StackExchange.Redis;

namespace Maintenance.Host.Tests.Smoke;

public sealed class RedisSmokeTests(RedisServer redis)
{
    [Fact]
    public async Task A_value_round_trips_through_the_real_Redis_in_the_leased_database()
    {
        await using var lease = await redis.LeaseDatabaseAsync(TestContext.Current.CancellationToken);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(lease.ConnectionString);
        var database = connection.GetDatabase();

        await database.HashSetAsync("atr:daily", "AAPL", """{"atr":2.5}""");
        await database.StringSetAsync("maintenance:last_run", "2025-12-02");

        Assert.Equal(lease.Database, database.Database);
        Assert.Equal("""{"atr":2.5}""", (string?)await database.HashGetAsync("atr:daily", "AAPL"));
        Assert.Equal("2025-12-02", (string?)await database.StringGetAsync("maintenance:last_run"));
        Assert.False(await connection.GetDatabase(0).KeyExistsAsync("atr:daily"));
    }

    [Fact]
    public async Task Two_leases_are_different_emptied_databases()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await redis.LeaseDatabaseAsync(ct);
        await using var second = await redis.LeaseDatabaseAsync(ct);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(first.ConnectionString);

        await connection.GetDatabase().StringSetAsync("only-in-first", "1");

        Assert.NotEqual(first.Database, second.Database);
        Assert.False(await connection.GetDatabase(second.Database).KeyExistsAsync("only-in-first"));
    }
}
