using Maintenance.Testing;

namespace Maintenance.Data.Tests.Redis;

public sealed class RedisServerStoreTests(RedisServer server) : RedisStoreTests
{
    private RedisLease? _lease;

    protected override async Task<string> ConnectionStringAsync()
    {
        _lease = await server.LeaseDatabaseAsync(TestContext.Current.CancellationToken);
        return _lease.ConnectionString;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_lease is not null)
        {
            await _lease.DisposeAsync();
        }
    }
}
