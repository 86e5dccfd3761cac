using Maintenance.Benchmarks.Bench;
using Maintenance.Testing;
using StackExchange.Redis;

namespace Maintenance.Benchmarks.Tests.Bench;

/// <summary>The bench claims only an empty Redis database and flushes only the one it claimed (real Redis).</summary>
public sealed class OwnedRedisDatabaseTests(RedisServer redis)
{
    [Fact]
    public async Task A_database_holding_keys_is_neither_claimed_nor_flushed()
    {
        await using var lease = await redis.LeaseDatabaseAsync(TestContext.Current.CancellationToken);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(lease.ConnectionString);
        var db = connection.GetDatabase(lease.Database);
        await db.StringSetAsync("live:key", "1");
        var owner = BenchOwner.New();

        var claim = await Assert.ThrowsAsync<BenchRefusedException>(() => OwnedRedisDatabase.ClaimAsync(lease.ConnectionString, lease.Database, owner));
        var flush = await Assert.ThrowsAsync<BenchRefusedException>(() => OwnedRedisDatabase.FlushAsync(lease.ConnectionString, lease.Database, owner));

        Assert.StartsWith($"Redis database {lease.Database} holds keys", claim.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Refusing to flush Redis database {lease.Database}", flush.Message, StringComparison.Ordinal);
        Assert.Equal("1", (string?)await db.StringGetAsync("live:key"));
        Assert.False(await db.KeyExistsAsync(OwnedRedisDatabase.MarkerKey));
    }

    [Fact]
    public async Task Only_the_run_that_claimed_a_database_flushes_it()
    {
        await using var lease = await redis.LeaseDatabaseAsync(TestContext.Current.CancellationToken);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(lease.ConnectionString);
        var db = connection.GetDatabase(lease.Database);
        var claimer = BenchOwner.New();

        var (configuration, claimed) = await OwnedRedisDatabase.ClaimAsync(lease.ConnectionString, lease.Database, claimer);
        await db.StringSetAsync("bench:key", "1");
        await Assert.ThrowsAsync<BenchRefusedException>(() => OwnedRedisDatabase.FlushAsync(lease.ConnectionString, claimed, BenchOwner.New()));
        Assert.True(await db.KeyExistsAsync("bench:key"));

        await OwnedRedisDatabase.FlushAsync(lease.ConnectionString, claimed, claimer);

        Assert.Equal(lease.Database, claimed);
        Assert.Equal(lease.Database, ConfigurationOptions.Parse(configuration).DefaultDatabase);
        Assert.False(await db.KeyExistsAsync("bench:key"));
        Assert.False(await db.KeyExistsAsync(OwnedRedisDatabase.MarkerKey));
    }
}
