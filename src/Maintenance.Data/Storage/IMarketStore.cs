using Maintenance.Core;

namespace Maintenance.Data.Storage;

/// <summary>
/// Bulk writes and streamed reads of the market-data tables. PostgreSQL (binary COPY into a staging table, then one
/// INSERT ... ON CONFLICT; a whole day of volume slots is built as a new day partition and swapped in) or SQLite
/// (prepared statements in one transaction), chosen by the profile.
/// </summary>
/// <remarks>
/// Every write is one transaction: a load that fails half-way (the source throws, the server goes away) leaves the
/// stored rows exactly as they were. "Replace" writes are idempotent: the scope ends up holding exactly the rows of
/// the load, so running the same load twice leaves the same rows. Loads are streamed, never held in memory.
/// </remarks>
public interface IMarketStore
{
    /// <summary>Makes <paramref name="day"/>'s daily bars exactly <paramref name="bars"/>: rows of that day not in the load are deleted.</summary>
    /// <returns>The number of bars in the load.</returns>
    /// <exception cref="InvalidDataException">A bar of another day, or the same symbol twice.</exception>
    Task<long> ReplaceDailyBarsAsync(DateOnly day, IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default);

    /// <summary>
    /// Adds the bars of <paramref name="days"/>, none of which may have bars stored yet (the history days of a fresh
    /// install), in one transaction: nothing to merge with, so the rows go straight in.
    /// </summary>
    /// <returns>The number of bars added.</returns>
    /// <exception cref="InvalidOperationException">One of the days has bars stored already; nothing was written.</exception>
    /// <exception cref="InvalidDataException">A bar of another day, or the same key twice; nothing was written.</exception>
    Task<long> AddDailyBarsDaysAsync(IReadOnlyCollection<DateOnly> days, IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default);

    /// <summary>Inserts or updates the bars (any days), deleting nothing: e.g. tickers recovered one by one.</summary>
    Task<long> UpsertDailyBarsAsync(IAsyncEnumerable<DailyBar> bars, CancellationToken ct = default);

    /// <summary>Makes <paramref name="day"/>'s volume slots exactly those of the load: other rows of that day are deleted.</summary>
    /// <returns>The number of slot rows in the load.</returns>
    /// <exception cref="InvalidDataException">A ticker of another day, a slot outside 0-191, or the same slot twice.</exception>
    Task<long> ReplaceVolumeSlotsAsync(DateOnly day, IAsyncEnumerable<TickerVolumeSlots> tickers, CancellationToken ct = default);

    /// <summary>Replaces the slots of <paramref name="day"/> only for the tickers in the load; other tickers' rows stay.</summary>
    Task<long> ReplaceTickerVolumeSlotsAsync(DateOnly day, IAsyncEnumerable<TickerVolumeSlots> tickers, CancellationToken ct = default);

    /// <summary>Makes the ATR values of (<paramref name="day"/>, <paramref name="period"/>, <paramref name="method"/>) exactly <paramref name="values"/>.</summary>
    Task<long> ReplaceAtrValuesAsync(DateOnly day, int period, string method, IAsyncEnumerable<AtrValue> values, CancellationToken ct = default);

    /// <summary>
    /// As the other overload for one shard's part of the market: only rows of symbols in <paramref name="shard"/> are
    /// replaced (the other shards' rows stay), and every value must belong to it.
    /// </summary>
    /// <exception cref="InvalidDataException">A value of a symbol outside the shard; nothing was written.</exception>
    Task<long> ReplaceAtrValuesAsync(DateOnly day, int period, string method, IAsyncEnumerable<AtrValue> values, SymbolShard shard, CancellationToken ct = default);

    /// <summary>Inserts or merges tickers; a null field keeps the stored value, <see cref="Ticker.FirstSeen"/> keeps the earliest.</summary>
    Task<long> UpsertTickersAsync(IAsyncEnumerable<Ticker> tickers, CancellationToken ct = default);

    /// <summary>Marks the named tickers inactive (delisted); unknown symbols are ignored.</summary>
    /// <returns>How many rows changed from active to inactive.</returns>
    Task<int> MarkTickersInactiveAsync(IEnumerable<string> symbols, CancellationToken ct = default);

    /// <summary>All tickers, or the active ones, in symbol order.</summary>
    IAsyncEnumerable<Ticker> ReadTickersAsync(bool activeOnly, CancellationToken ct = default);

    /// <summary>One day's daily bars in symbol order.</summary>
    IAsyncEnumerable<DailyBar> ReadDailyBarsAsync(DateOnly day, CancellationToken ct = default);

    /// <summary>Every symbol's daily bars from <paramref name="firstDay"/> to <paramref name="lastDay"/> (inclusive), one symbol at a time, symbols in order.</summary>
    IAsyncEnumerable<DailyBarHistory> ReadDailyBarHistoryAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default);

    /// <summary>As the other overload, only for <paramref name="symbols"/> (null: every symbol): one shard's part of the market.</summary>
    IAsyncEnumerable<DailyBarHistory> ReadDailyBarHistoryAsync(DateOnly firstDay, DateOnly lastDay, IReadOnlyCollection<string>? symbols, CancellationToken ct = default);

    /// <summary>
    /// The volume and close of every symbol's daily bars on <paramref name="sessions"/> (oldest first), by symbol: element
    /// i is the bar of <c>sessions[i]</c>, null where the symbol has none. What <see cref="VolumeAverages"/> needs, without the rest of the rows.
    /// </summary>
    Task<IReadOnlyDictionary<string, VolumeAndClose?[]>> ReadVolumesAndClosesAsync(IReadOnlyList<DateOnly> sessions, CancellationToken ct = default);

    /// <summary>
    /// As <see cref="ReadDailyBarHistoryAsync(DateOnly, DateOnly, IReadOnlyCollection{string}?, CancellationToken)"/>,
    /// only the date, high, low and close of each bar: one symbol at a time, symbols in order, dates in order.
    /// </summary>
    IAsyncEnumerable<DailyPriceHistory> ReadDailyPriceHistoryAsync(DateOnly firstDay, DateOnly lastDay, IReadOnlyCollection<string>? symbols, CancellationToken ct = default);

    /// <summary>One day's volume slots, one ticker at a time, in symbol order.</summary>
    IAsyncEnumerable<TickerVolumeSlots> ReadVolumeSlotsAsync(DateOnly day, CancellationToken ct = default);

    /// <summary>
    /// Every symbol's volume slots on the given days (or only <paramref name="symbols"/>'s: one shard's part), one symbol
    /// at a time, streamed from the first row (no sort of the whole window first).
    /// </summary>
    IAsyncEnumerable<VolumeSlotHistory> ReadVolumeSlotHistoryAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string>? symbols = null, CancellationToken ct = default);

    /// <summary>
    /// As <see cref="ReadVolumeSlotHistoryAsync"/>, with only what the RVOL averages read of each slot: its accumulated
    /// volume (<see cref="VolumeSlot.Volume"/> and <see cref="VolumeSlot.Trades"/> are 0). Two columns fewer for the
    /// database to send and the driver to decode, a quarter of the read's time over millions of rows.
    /// </summary>
    IAsyncEnumerable<VolumeSlotHistory> ReadAccumulatedVolumeHistoryAsync(IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string>? symbols = null, CancellationToken ct = default);

    /// <summary>One (day, period, method)'s ATR values in symbol order.</summary>
    IAsyncEnumerable<AtrValue> ReadAtrValuesAsync(DateOnly day, int period, string method, CancellationToken ct = default);

    /// <summary>The days from <paramref name="firstDay"/> to <paramref name="lastDay"/> (inclusive) that have daily bars, in order.</summary>
    Task<IReadOnlyList<DateOnly>> DaysWithDailyBarsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default);

    /// <summary>The days from <paramref name="firstDay"/> to <paramref name="lastDay"/> (inclusive) that have volume slots, in order.</summary>
    Task<IReadOnlyList<DateOnly>> DaysWithVolumeSlotsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default);

    /// <summary>Rows and symbols of daily bars per day that has any, in order.</summary>
    Task<IReadOnlyList<DayCount>> CountDailyBarsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default);

    /// <summary>Rows and distinct symbols of volume slots per day that has any, in order.</summary>
    Task<IReadOnlyList<DayCount>> CountVolumeSlotsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct = default);

    /// <summary>The symbols that have a daily bar on <paramref name="day"/>.</summary>
    Task<IReadOnlySet<string>> SymbolsWithDailyBarsAsync(DateOnly day, CancellationToken ct = default);

    /// <summary>The symbols of the active tickers (no other column is read).</summary>
    Task<IReadOnlySet<string>> ActiveSymbolsAsync(CancellationToken ct = default);

    /// <summary>
    /// How complete <paramref name="day"/>'s daily bars are, counted in one query (no row is sent back): the bars of the
    /// day, the active tickers, and how many of those have a bar that day.
    /// </summary>
    Task<DailyBarCoverage> DailyBarCoverageAsync(DateOnly day, CancellationToken ct = default);

    /// <summary>The symbols that have volume slots on <paramref name="day"/>.</summary>
    Task<IReadOnlySet<string>> SymbolsWithVolumeSlotsAsync(DateOnly day, CancellationToken ct = default);

    /// <summary>
    /// How complete <paramref name="day"/>'s volume slots are, counted in one query (no row is sent back): the slot
    /// rows, the tickers with slots, the symbols that traded volume that day (daily bars) and how many of them have slots.
    /// </summary>
    Task<VolumeSlotCoverage> VolumeSlotCoverageAsync(DateOnly day, CancellationToken ct = default);
}
