using Maintenance.Testing;

namespace Maintenance.Data.Tests.Storage;

public sealed class PostgresMarketStoreTests(PostgresServer server) : MarketStoreTests
{
    protected override async Task<Dictionary<string, string?>> ConfigurationAsync() => new()
    {
        ["ConnectionStrings:Postgres"] = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken),
    };
}
