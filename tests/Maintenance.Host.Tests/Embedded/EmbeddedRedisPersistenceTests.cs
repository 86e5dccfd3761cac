using StackExchange.Redis;

namespace Maintenance.Host.Tests.Embedded;

public sealed class EmbeddedRedisPersistenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("maintenance-garnet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Keys_written_before_a_stop_are_there_after_the_next_start_in_the_same_folder()
    {
        using (var first = EmbeddedRedisServer.Start(_folder))
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(first.ConnectionString);
            var db = connection.GetDatabase();
            await db.HashSetAsync("atr:daily", [new("AAPL", """{"atr":2.5}"""), new("MSFT", """{"atr":4.1}""")]);
            await db.SetAddAsync("ticker:universe", ["AAPL", "MSFT"]);
            await db.StringSetAsync("maintenance:last_run", "2025-12-04");
        }

        using var second = EmbeddedRedisServer.Start(_folder);
        await using var again = await ConnectionMultiplexer.ConnectAsync(second.ConnectionString);
        var kept = again.GetDatabase();

        Assert.Equal("""{"atr":4.1}""", (string?)await kept.HashGetAsync("atr:daily", "MSFT"));
        Assert.Equal(2, await kept.HashLengthAsync("atr:daily"));
        Assert.Equal(["AAPL", "MSFT"], (await kept.SetMembersAsync("ticker:universe")).Select(m => (string)m!).Order());
        Assert.Equal("2025-12-04", (string?)await kept.StringGetAsync("maintenance:last_run"));
    }

    [Fact]
    public async Task Without_a_folder_nothing_is_kept()
    {
        using (var first = EmbeddedRedisServer.Start())
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(first.ConnectionString);
            await connection.GetDatabase().StringSetAsync("k", "v");
        }

        using var second = EmbeddedRedisServer.Start();
        await using var again = await ConnectionMultiplexer.ConnectAsync(second.ConnectionString);

        Assert.False(await again.GetDatabase().KeyExistsAsync("k"));
    }
}
