using Maintenance.Testing;

namespace Maintenance.Data.Tests.Redis;

public sealed class GarnetStoreTests : RedisStoreTests
{
    private EmbeddedGarnet? _garnet;

    protected override async Task<string> ConnectionStringAsync()
    {
        _garnet = await EmbeddedGarnet.StartAsync();
        return _garnet.ConnectionString;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_garnet is not null)
        {
            await _garnet.DisposeAsync();
        }
    }
}
