using System.Data.Common;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Sqlite;

/// <summary>The reads are <see cref="MarketReads"/>; here is what SQLite does differently.</summary>
public sealed partial class SqliteMarketStore : MarketReads
{
    /// <remarks>No array parameter: the symbols are picked out on our side. The embedded profile runs every step as one shard, so this is rarely narrowed.</remarks>
    private protected override string? SymbolListCondition => null;

    private protected override string VolumeSlotCoverageSql => """
        SELECT
            (SELECT count(*) FROM volume_slots WHERE trading_date = @day),
            (SELECT count(DISTINCT symbol) FROM volume_slots WHERE trading_date = @day),
            (SELECT count(*) FROM daily_bars WHERE trading_date = @day AND volume > 0),
            (SELECT count(*) FROM daily_bars d WHERE d.trading_date = @day AND d.volume > 0
                AND EXISTS (SELECT 1 FROM volume_slots v WHERE v.trading_date = @day AND v.symbol = d.symbol))
        """;

    private protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken ct) =>
        await database.OpenSqliteAsync(ct);

    private protected override string VolumeSlotHistorySql(int dayCount, string columns, string? symbolCondition) => $"""
        SELECT symbol, trading_date, slot, {columns} FROM volume_slots
        WHERE trading_date IN ({string.Join(", ", Enumerable.Range(0, dayCount).Select(i => "@d" + i))}) ORDER BY symbol, trading_date, slot
        """;
}
