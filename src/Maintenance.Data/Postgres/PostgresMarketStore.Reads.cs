using System.Data.Common;
using System.Text;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Postgres;

/// <summary>The reads are <see cref="MarketReads"/>; here is what PostgreSQL does differently.</summary>
public sealed partial class PostgresMarketStore : MarketReads
{
    private protected override string SymbolListCondition => "symbol = ANY(@symbols)";

    /// <remarks>
    /// Left to itself the planner preferred a parallel scan and an on-disk sort of every row before the first one
    /// (seconds on a full market, worse on partitions not analyzed yet): parallel plans, sorts and JIT are turned off
    /// for this one query.
    /// </remarks>
    private protected override string VolumeSlotHistoryPlanSettings =>
        "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; SET LOCAL enable_sort = off";

    /// <remarks>
    /// The rows and the tickers in one pass over the day's key (its partition is written frozen, so the pass reads
    /// the index alone); the covered symbols by one probe per daily bar.
    /// </remarks>
    private protected override string VolumeSlotCoverageSql => """
        WITH day_symbols AS MATERIALIZED (
            SELECT count(*) AS slot_rows FROM volume_slots WHERE trading_date = @day GROUP BY symbol)
        SELECT
            (SELECT coalesce(sum(slot_rows), 0)::bigint FROM day_symbols),
            (SELECT count(*) FROM day_symbols),
            (SELECT count(*) FROM daily_bars WHERE trading_date = @day AND volume > 0),
            (SELECT count(*) FROM daily_bars d WHERE d.trading_date = @day AND d.volume > 0
                AND EXISTS (SELECT 1 FROM volume_slots v WHERE v.trading_date = @day AND v.symbol = d.symbol))
        """;

    private protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken ct) =>
        await dataSource.OpenConnectionAsync(ct);

    /// <remarks>
    /// One ordered index scan per day (its partition's primary key: day, symbol, slot), merged by the server on
    /// (symbol, slot) in a Merge Append, so rows stream out from the first one, grouped by symbol, each day's slots in
    /// order (the days of a symbol interleave).
    /// </remarks>
    private protected override string VolumeSlotHistorySql(int dayCount, string columns, string? symbolCondition)
    {
        var filter = symbolCondition is null ? "" : " AND " + symbolCondition;
        var sql = new StringBuilder("SELECT * FROM (");
        for (var i = 0; i < dayCount; i++)
        {
            sql.Append(i == 0 ? "" : " UNION ALL ")
                .Append("(SELECT symbol, trading_date, slot, ").Append(columns).Append(" FROM volume_slots WHERE trading_date = @d")
                .Append(i).Append(filter).Append(" ORDER BY symbol, slot)");
        }

        return sql.Append(") AS days ORDER BY symbol, slot").ToString();
    }
}
