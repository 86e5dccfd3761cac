using Maintenance.Core;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Sqlite;

// The <c>tickers</c> table in SQLite: one prepared upsert a row, in one write transaction.
public sealed partial class SqliteMarketStore
{
    // A null field of the load keeps the stored value; the row changes (and updated_at moves) only when a value differs.
    private static readonly string UpsertTicker = $"""
        INSERT INTO tickers (symbol, active, first_seen, updated_at, {TickerRows.List("{0}")})
        VALUES ($symbol, $active, COALESCE($first_seen, $today), $now, {TickerRows.List("${0}")})
        ON CONFLICT (symbol) DO UPDATE SET
            active = excluded.active, first_seen = min(tickers.first_seen, excluded.first_seen), updated_at = excluded.updated_at,
            {TickerRows.List("{0} = COALESCE(excluded.{0}, tickers.{0})")}
        WHERE (tickers.active, tickers.first_seen, {TickerRows.List("tickers.{0}")})
            IS NOT (excluded.active, min(tickers.first_seen, excluded.first_seen), {TickerRows.List("COALESCE(excluded.{0}, tickers.{0})")})
        """;

    public Task<long> UpsertTickersAsync(IAsyncEnumerable<Ticker> tickers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        var now = time.GetUtcNow();
        var today = TradingCalendar.NewYorkDate(now);
        return InLoadTransactionAsync("tickers", day: null, async (connection, transaction) =>
        {
            using var upsert = Prepare(connection, transaction, UpsertTicker,
                ["$symbol", "$active", "$first_seen", "$today", "$now", .. TickerRows.Merged.Select(c => "$" + c.Name)]);
            var p = upsert.Parameters;
            p["$today"].Value = today;
            p["$now"].Value = now;
            long rows = 0;
            await foreach (var ticker in tickers.WithCancellation(ct))
            {
                rows++;
                ArgumentNullException.ThrowIfNull(ticker);
                p["$symbol"].Value = LoadChecks.Symbol(ticker.Symbol, "tickers", rows);
                p["$active"].Value = ticker.Active;
                p["$first_seen"].Value = (object?)ticker.FirstSeen ?? DBNull.Value;
                foreach (var column in TickerRows.Merged)
                {
                    p["$" + column.Name].Value = column.Value(ticker) ?? DBNull.Value;
                }

                upsert.ExecuteNonQuery();
            }

            return rows;
        }, ct);
    }

    public async Task<int> MarkTickersInactiveAsync(IEnumerable<string> symbols, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var changed = 0;
        await InLoadTransactionAsync("tickers", day: null, (connection, transaction) =>
        {
            using var update = Prepare(connection, transaction,
                "UPDATE tickers SET active = 0, updated_at = $now WHERE symbol = $symbol AND active", "$now", "$symbol");
            update.Parameters["$now"].Value = time.GetUtcNow();
            foreach (var symbol in symbols)
            {
                update.Parameters["$symbol"].Value = symbol;
                changed += update.ExecuteNonQuery();
            }

            return Task.FromResult((long)changed);
        }, ct);
        return changed;
    }
}
