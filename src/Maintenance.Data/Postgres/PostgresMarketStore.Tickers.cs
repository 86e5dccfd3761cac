using Maintenance.Core;
using Maintenance.Data.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Maintenance.Data.Postgres;

// The <c>tickers</c> table on PostgreSQL: upserts by binary COPY into a staging copy of the table, then one merge.
public sealed partial class PostgresMarketStore
{
    // Shaped like tickers itself (without its constraints: the load has no updated_at), so a new column needs no change here.
    private const string TickersStaging = "CREATE TEMP TABLE tickers_load ON COMMIT DROP AS SELECT * FROM tickers WITH NO DATA";

    // A null field of the load keeps the stored value; the row changes (and updated_at moves) only when a value differs.
    private static readonly string TickersMerge = $"""
        INSERT INTO tickers AS t (symbol, active, first_seen, updated_at, {TickerRows.List("{0}")})
        SELECT symbol, active, COALESCE(first_seen, @today), @now, {TickerRows.List("{0}")} FROM tickers_load
        ON CONFLICT (symbol) DO UPDATE SET
            active = EXCLUDED.active, first_seen = LEAST(t.first_seen, EXCLUDED.first_seen), updated_at = EXCLUDED.updated_at,
            {TickerRows.List("{0} = COALESCE(EXCLUDED.{0}, t.{0})")}
        WHERE (t.active, t.first_seen, {TickerRows.List("t.{0}")})
            IS DISTINCT FROM (EXCLUDED.active, LEAST(t.first_seen, EXCLUDED.first_seen), {TickerRows.List("COALESCE(EXCLUDED.{0}, t.{0})")})
        """;

    public async Task<long> UpsertTickersAsync(IAsyncEnumerable<Ticker> tickers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        var now = time.GetUtcNow();
        var today = TradingCalendar.NewYorkDate(now);
        return await InLoadTransactionAsync("tickers", day: null, async connection =>
        {
            await ExecuteAsync(connection, TickersStaging, ct);
            long rows = 0;
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY tickers_load (symbol, active, first_seen, {TickerRows.List("{0}")}) FROM STDIN (FORMAT BINARY)", ct))
            {
                importer.Timeout = TimeSpan.Zero;
                await foreach (var ticker in tickers.WithCancellation(ct))
                {
                    rows++;
                    ArgumentNullException.ThrowIfNull(ticker);
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync(LoadChecks.Symbol(ticker.Symbol, "tickers", rows), NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(ticker.Active, NpgsqlDbType.Boolean, ct);
                    await WriteNullableAsync(importer, ticker.FirstSeen, NpgsqlDbType.Date, ct);
                    foreach (var column in TickerRows.Merged)
                    {
                        await WriteValueAsync(importer, column.Value(ticker), ct);
                    }
                }

                await importer.CompleteAsync(ct);
            }

            await MergeAsync(connection, TickersMerge, "tickers", "an upsert", ct, ("today", today), ("now", now));
            return rows;
        }, ct);
    }

    public async Task<int> MarkTickersInactiveAsync(IEnumerable<string> symbols, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var list = symbols.ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            "UPDATE tickers SET active = false, updated_at = @now WHERE symbol = ANY(@symbols) AND active", connection);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.AddWithValue("symbols", list);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One merged ticker column, typed by its value (the columns hold text, numbers, dates and instants).</summary>
    private static Task WriteValueAsync(NpgsqlBinaryImporter importer, object? value, CancellationToken ct) => value switch
    {
        null => importer.WriteNullAsync(ct),
        string text => importer.WriteAsync(text, NpgsqlDbType.Text, ct),
        double number => importer.WriteAsync(number, NpgsqlDbType.Double, ct),
        long number => importer.WriteAsync(number, NpgsqlDbType.Bigint, ct),
        int number => importer.WriteAsync(number, NpgsqlDbType.Integer, ct),
        DateOnly date => importer.WriteAsync(date, NpgsqlDbType.Date, ct),
        DateTimeOffset instant => importer.WriteAsync(instant.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct),
        _ => throw new NotSupportedException($"A tickers column of type {value.GetType().Name}."),
    };
}
