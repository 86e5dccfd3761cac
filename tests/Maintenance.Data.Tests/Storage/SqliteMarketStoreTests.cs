using Microsoft.Data.Sqlite;

namespace Maintenance.Data.Tests.Storage;

public sealed class SqliteMarketStoreTests : MarketStoreTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("maintenance-sqlite-").FullName;

    protected override Task<Dictionary<string, string?>> ConfigurationAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Storage:SqlitePath"] = Path.Combine(_folder, "nested", "maintenance.db"),
    });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
