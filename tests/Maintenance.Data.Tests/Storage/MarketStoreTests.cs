using Maintenance.Core;
using Maintenance.Data.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Tests.Storage;

/// <summary>The behaviour every <see cref="IMarketStore"/> must have, run against each real database.</summary>
public abstract class MarketStoreTests : IAsyncLifetime
{
    protected static readonly DateOnly Day = new(2025, 3, 14);
    protected static readonly DateOnly PreviousDay = new(2025, 3, 13);
    protected static readonly DateOnly NextDay = new(2025, 3, 17);

    private ServiceProvider? _services;

    protected IMarketStore Store => _services!.GetRequiredService<IMarketStore>();

    protected IServiceProvider Services => _services!;

    /// <summary>The configuration that selects this test's database.</summary>
    protected abstract Task<Dictionary<string, string?>> ConfigurationAsync();

    public async ValueTask InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(await ConfigurationAsync()).Build();
        var services = new ServiceCollection().AddLogging().AddMaintenanceData(configuration);
        _services = services.BuildServiceProvider();
        await DatabaseSchema.EnsureAsync(_services, TestContext.Current.CancellationToken);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<(string Symbol, DateOnly Date, VolumeSlot Slot)>> StoredSlotsAsync(DateOnly day) =>
        Loads.Flatten(await Loads.ToListAsync(Store.ReadVolumeSlotsAsync(day, Ct)));

    [Fact]
    public async Task Volume_slots_loaded_twice_leave_exactly_the_same_rows()
    {
        var load = Loads.VolumeSlots(Day, tickers: 300, slotsPerTicker: 40);

        var first = await Store.ReplaceVolumeSlotsAsync(Day, load.ToAsyncEnumerable(), Ct);
        var afterFirst = await StoredSlotsAsync(Day);
        var second = await Store.ReplaceVolumeSlotsAsync(Day, load.ToAsyncEnumerable(), Ct);
        var afterSecond = await StoredSlotsAsync(Day);

        Assert.Equal(12_000, first);
        Assert.Equal(12_000, second);
        Assert.Equal(Loads.Flatten(load), afterFirst);
        Assert.Equal(afterFirst, afterSecond);
        var counts = await Store.CountVolumeSlotsAsync(Day, Day, Ct);
        Assert.Equal([new DayCount(Day, 12_000, 300)], counts);
    }

    [Fact]
    public async Task Replacing_a_day_of_volume_slots_drops_rows_the_new_load_no_longer_has_and_keeps_other_days()
    {
        await Store.ReplaceVolumeSlotsAsync(PreviousDay, Loads.VolumeSlots(PreviousDay, 20, 10).ToAsyncEnumerable(), Ct);
        await Store.ReplaceVolumeSlotsAsync(Day, Loads.VolumeSlots(Day, 50, 20).ToAsyncEnumerable(), Ct);

        // Fewer tickers, fewer slots per ticker, other numbers.
        var replacement = Loads.VolumeSlots(Day, 30, 12, seed: 9);
        await Store.ReplaceVolumeSlotsAsync(Day, replacement.ToAsyncEnumerable(), Ct);

        Assert.Equal(Loads.Flatten(replacement), await StoredSlotsAsync(Day));
        Assert.Equal(Loads.Flatten(Loads.VolumeSlots(PreviousDay, 20, 10)), await StoredSlotsAsync(PreviousDay));
    }

    [Fact]
    public async Task A_volume_slot_load_that_fails_half_way_leaves_the_day_as_it_was()
    {
        var original = Loads.VolumeSlots(Day, 100, 30);
        await Store.ReplaceVolumeSlotsAsync(Day, original.ToAsyncEnumerable(), Ct);

        var failing = Loads.FailingAfter(Loads.VolumeSlots(Day, 100, 25, seed: 5), failAfter: 60);
        var error = await Assert.ThrowsAsync<IOException>(() => Store.ReplaceVolumeSlotsAsync(Day, failing, Ct));

        Assert.Contains("after 60", error.Message, StringComparison.Ordinal);
        Assert.Equal(Loads.Flatten(original), await StoredSlotsAsync(Day));
    }

    [Fact]
    public async Task A_first_volume_slot_load_that_fails_leaves_the_day_empty()
    {
        var failing = Loads.FailingAfter(Loads.VolumeSlots(Day, 100, 25), failAfter: 99);

        await Assert.ThrowsAsync<IOException>(() => Store.ReplaceVolumeSlotsAsync(Day, failing, Ct));

        Assert.Empty(await StoredSlotsAsync(Day));
        Assert.Empty(await Store.DaysWithVolumeSlotsAsync(PreviousDay, NextDay, Ct));
    }

    [Fact]
    public async Task The_coverage_of_a_day_counts_its_slot_rows_tickers_and_the_traded_symbols_with_slots()
    {
        VolumeSlot[] Slots(params int[] numbers) => [.. numbers.Select(n => new VolumeSlot(n, 10, 10 * (n + 1), 1))];
        await Store.ReplaceVolumeSlotsAsync(Day, new[]
        {
            new TickerVolumeSlots("AAA", Day, Slots(0, 5, 191)),
            new TickerVolumeSlots("BBB", Day, Slots(3, 4)),
            new TickerVolumeSlots("CCC", Day, Slots(7)),
        }.ToAsyncEnumerable(), Ct);
        await Store.ReplaceVolumeSlotsAsync(NextDay, new[] { new TickerVolumeSlots("DDD", NextDay, Slots(1)) }.ToAsyncEnumerable(), Ct);
        DailyBar Bar(string symbol, long volume) => new(symbol, Day, 10, 11, 9, 10, volume, null, 5);
        // BBB traded nothing; DDD traded but has slots only on the next day.
        await Store.ReplaceDailyBarsAsync(Day, new[] { Bar("AAA", 100), Bar("BBB", 0), Bar("CCC", 7), Bar("DDD", 50) }.ToAsyncEnumerable(), Ct);

        Assert.Equal(new VolumeSlotCoverage(Rows: 6, Tickers: 3, Traded: 3, Covered: 2), await Store.VolumeSlotCoverageAsync(Day, Ct));
        Assert.Equal(new VolumeSlotCoverage(0, 0, 0, 0), await Store.VolumeSlotCoverageAsync(PreviousDay, Ct));
    }

    [Fact]
    public async Task Replacing_only_the_tickers_in_the_load_keeps_the_other_tickers_of_the_day()
    {
        var original = Loads.VolumeSlots(Day, 10, 8);
        await Store.ReplaceVolumeSlotsAsync(Day, original.ToAsyncEnumerable(), Ct);

        // T0003 comes back with fewer slots and other numbers.
        var recovered = new TickerVolumeSlots(Loads.Symbol(3), Day, [new VolumeSlot(5, 42, 42, 1), new VolumeSlot(191, 8, 50, 2)]);
        await Store.ReplaceTickerVolumeSlotsAsync(Day, new[] { recovered }.ToAsyncEnumerable(), Ct);

        var expected = original.Where(t => t.Symbol != Loads.Symbol(3)).Append(recovered);
        Assert.Equal(Loads.Flatten(expected), await StoredSlotsAsync(Day));
    }

    [Fact]
    public async Task Bad_volume_slot_loads_are_refused_with_the_row_named_and_nothing_written()
    {
        var original = Loads.VolumeSlots(Day, 5, 4);
        await Store.ReplaceVolumeSlotsAsync(Day, original.ToAsyncEnumerable(), Ct);

        var badSlot = Loads.VolumeSlots(Day, 5, 4, seed: 3);
        badSlot[2] = badSlot[2] with { Slots = [new VolumeSlot(192, 1, 1, 1)] };
        var otherDay = Loads.VolumeSlots(Day, 5, 4, seed: 3);
        otherDay[4] = otherDay[4] with { Date = NextDay };
        var duplicate = Loads.VolumeSlots(Day, 5, 4, seed: 3);
        duplicate.Add(duplicate[1]);

        var slotError = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceVolumeSlotsAsync(Day, badSlot.ToAsyncEnumerable(), Ct));
        var dayError = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceVolumeSlotsAsync(Day, otherDay.ToAsyncEnumerable(), Ct));
        var duplicateError = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceVolumeSlotsAsync(Day, duplicate.ToAsyncEnumerable(), Ct));

        Assert.Contains("slot 192 of T0002", slotError.Message, StringComparison.Ordinal);
        Assert.Contains("T0004 of 2025-03-17", dayError.Message, StringComparison.Ordinal);
        Assert.Contains("more than once", duplicateError.Message, StringComparison.Ordinal);
        Assert.Equal(Loads.Flatten(original), await StoredSlotsAsync(Day));
    }

    [Fact]
    public async Task A_first_load_of_a_day_with_a_ticker_twice_is_refused_and_leaves_the_day_empty()
    {
        var duplicate = Loads.VolumeSlots(Day, 6, 4);
        duplicate.Add(duplicate[3]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceVolumeSlotsAsync(Day, duplicate.ToAsyncEnumerable(), Ct));

        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
        Assert.Empty(await StoredSlotsAsync(Day));
    }

    [Fact]
    public async Task Volume_slot_coverage_counts_rows_tickers_and_the_traded_symbols_with_slots()
    {
        // T0000-T0004 traded on the day, T0002 without volume; slots for T0000, T0001, T0002 and NEW (no daily bar).
        var bars = Loads.DailyBars(Day, 5);
        bars[2] = bars[2] with { Volume = 0 };
        await Store.ReplaceDailyBarsAsync(Day, bars.ToAsyncEnumerable(), Ct);
        var slots = Loads.VolumeSlots(Day, 3, 7);
        slots.Add(new TickerVolumeSlots("NEW", Day, [new VolumeSlot(0, 5, 5, 1)]));
        await Store.ReplaceVolumeSlotsAsync(Day, slots.ToAsyncEnumerable(), Ct);
        await Store.ReplaceVolumeSlotsAsync(PreviousDay, Loads.VolumeSlots(PreviousDay, 5, 9).ToAsyncEnumerable(), Ct);

        Assert.Equal(new VolumeSlotCoverage(Rows: 22, Tickers: 4, Traded: 4, Covered: 2), await Store.VolumeSlotCoverageAsync(Day, Ct));
        Assert.Equal(new VolumeSlotCoverage(0, 0, 0, 0), await Store.VolumeSlotCoverageAsync(NextDay, Ct));
    }

    [Fact]
    public async Task Daily_bar_coverage_counts_the_day_s_bars_and_the_active_tickers_with_one()
    {
        // Bars for T0000-T0003 on the day; tickers T0000, T0001, T0005 active, T0002 delisted.
        await Store.ReplaceDailyBarsAsync(Day, Loads.DailyBars(Day, 4).ToAsyncEnumerable(), Ct);
        await Store.ReplaceDailyBarsAsync(PreviousDay, Loads.DailyBars(PreviousDay, 6).ToAsyncEnumerable(), Ct);
        Ticker[] tickers = [new() { Symbol = Loads.Symbol(0) }, new() { Symbol = Loads.Symbol(1) }, new() { Symbol = Loads.Symbol(2) }, new() { Symbol = Loads.Symbol(5) }];
        await Store.UpsertTickersAsync(tickers.ToAsyncEnumerable(), Ct);
        await Store.MarkTickersInactiveAsync([Loads.Symbol(2)], Ct);

        Assert.Equal(new DailyBarCoverage(Bars: 4, Active: 3, Covered: 2), await Store.DailyBarCoverageAsync(Day, Ct));
        Assert.Equal(new DailyBarCoverage(0, 3, 0), await Store.DailyBarCoverageAsync(NextDay, Ct));
        Assert.Equal([Loads.Symbol(0), Loads.Symbol(1), Loads.Symbol(5)], (await Store.ActiveSymbolsAsync(Ct)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Volume_slot_history_comes_one_symbol_at_a_time_with_its_days_in_order()
    {
        var before = Loads.VolumeSlots(PreviousDay, 4, 3, seed: 1);
        var after = Loads.VolumeSlots(Day, 3, 2, seed: 2);
        after.Add(new TickerVolumeSlots("NEW", Day, [new VolumeSlot(0, 5, 5, 1)]));
        await Store.ReplaceVolumeSlotsAsync(Day, after.ToAsyncEnumerable(), Ct);
        await Store.ReplaceVolumeSlotsAsync(PreviousDay, before.ToAsyncEnumerable(), Ct);
        await Store.ReplaceVolumeSlotsAsync(NextDay, Loads.VolumeSlots(NextDay, 2, 2).ToAsyncEnumerable(), Ct);

        var history = await Loads.ToListAsync(Store.ReadVolumeSlotHistoryAsync([Day, PreviousDay], ct: Ct));

        Assert.Equal(["NEW", "T0000", "T0001", "T0002", "T0003"], history.Select(h => h.Symbol));
        Assert.Equal([Day], history[0].Days.Select(d => d.Date));
        Assert.Equal([PreviousDay, Day], history[1].Days.Select(d => d.Date));
        Assert.Equal([PreviousDay], history[4].Days.Select(d => d.Date));
        Assert.Equal(before[1].Slots, history[2].Days[0].Slots);
        Assert.Equal(after[1].Slots, history[2].Days[1].Slots);
        Assert.Equal([PreviousDay, Day, NextDay], await Store.DaysWithVolumeSlotsAsync(new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31), Ct));
        Assert.Equal([Day], await Store.DaysWithVolumeSlotsAsync(Day, Day, Ct));
        Assert.Equal(["NEW", "T0000", "T0001", "T0002"], (await Store.SymbolsWithVolumeSlotsAsync(Day, Ct)).Order(StringComparer.Ordinal));

        // What RVOL reads: the same histories with each slot's accumulated volume only.
        var accumulated = await Loads.ToListAsync(Store.ReadAccumulatedVolumeHistoryAsync([Day, PreviousDay], ct: Ct));
        Assert.Equal(
            history.Select(h => (h.Symbol, h.Days.Select(d => (d.Date, d.Slots.Select(s => s with { Volume = 0, Trades = 0 }).ToList())).ToList())),
            accumulated.Select(h => (h.Symbol, h.Days.Select(d => (d.Date, d.Slots.ToList())).ToList())),
            (a, b) => a.Symbol == b.Symbol && a.Item2.Count == b.Item2.Count && a.Item2.Zip(b.Item2).All(p => p.First.Date == p.Second.Date && p.First.Item2.SequenceEqual(p.Second.Item2)));
        Assert.Contains(history.SelectMany(h => h.Days).SelectMany(d => d.Slots), s => s.Volume > 0 && s.Trades > 0);
    }

    [Fact]
    public async Task A_shard_replaces_only_its_symbols_atr_rows_and_reads_only_the_symbols_it_names()
    {
        // T0001, T0003 and T0005 are in shard 1 of 2 (index 0), the even ones in shard 2 (SymbolShard.Of).
        var all = Enumerable.Range(0, 6).Select(i => new AtrValue(Loads.Symbol(i), i, i)).ToList();
        await Store.ReplaceAtrValuesAsync(Day, 14, "wilder", all.ToAsyncEnumerable(), Ct);
        var shard = new SymbolShard(0, 2);

        await Store.ReplaceAtrValuesAsync(Day, 14, "wilder", new[] { new AtrValue("T0003", 99, 9) }.ToAsyncEnumerable(), shard, Ct);

        Assert.Equal(
            [all[0], all[2], new AtrValue("T0003", 99, 9), all[4]],
            await Loads.ToListAsync(Store.ReadAtrValuesAsync(Day, 14, "wilder", Ct)));
        await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceAtrValuesAsync(Day, 14, "wilder", new[] { all[2] }.ToAsyncEnumerable(), shard, Ct));

        await Store.ReplaceVolumeSlotsAsync(Day, Loads.VolumeSlots(Day, 4, 3).ToAsyncEnumerable(), Ct);
        await Store.ReplaceVolumeSlotsAsync(PreviousDay, Loads.VolumeSlots(PreviousDay, 4, 2).ToAsyncEnumerable(), Ct);
        var slots = await Loads.ToListAsync(Store.ReadVolumeSlotHistoryAsync([PreviousDay, Day], ["T0001", "T0003"], Ct));
        Assert.Equal(["T0001", "T0003"], slots.Select(h => h.Symbol));
        Assert.All(slots, h => Assert.Equal([PreviousDay, Day], h.Days.Select(d => d.Date)));

        await Store.ReplaceDailyBarsAsync(Day, Loads.DailyBars(Day, 4).ToAsyncEnumerable(), Ct);
        var bars = await Loads.ToListAsync(Store.ReadDailyBarHistoryAsync(Day, Day, ["T0002"], Ct));
        Assert.Equal(["T0002"], bars.Select(h => h.Symbol));
    }

    [Fact]
    public async Task Daily_bars_loaded_twice_leave_exactly_the_same_rows_and_a_replacement_drops_missing_symbols()
    {
        var load = Loads.DailyBars(Day, 200);

        await Store.ReplaceDailyBarsAsync(Day, load.ToAsyncEnumerable(), Ct);
        var afterFirst = await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct));
        await Store.ReplaceDailyBarsAsync(Day, load.ToAsyncEnumerable(), Ct);
        var afterSecond = await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct));
        var smaller = Loads.DailyBars(Day, 150, seed: 4);
        await Store.ReplaceDailyBarsAsync(Day, smaller.ToAsyncEnumerable(), Ct);

        Assert.Equal(load, afterFirst);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Equal(smaller, await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct)));
        Assert.Equal([new DayCount(Day, 150, 150)], await Store.CountDailyBarsAsync(PreviousDay, NextDay, Ct));
        Assert.Equal(150, (await Store.SymbolsWithDailyBarsAsync(Day, Ct)).Count);
    }

    [Fact]
    public async Task A_daily_bar_load_that_fails_half_way_leaves_the_day_as_it_was()
    {
        var original = Loads.DailyBars(Day, 100);
        await Store.ReplaceDailyBarsAsync(Day, original.ToAsyncEnumerable(), Ct);

        await Assert.ThrowsAsync<IOException>(() =>
            Store.ReplaceDailyBarsAsync(Day, Loads.FailingAfter(Loads.DailyBars(Day, 100, seed: 7), 50), Ct));
        var otherDay = Loads.DailyBars(Day, 10, seed: 7);
        otherDay[3] = otherDay[3] with { Date = PreviousDay };
        await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceDailyBarsAsync(Day, otherDay.ToAsyncEnumerable(), Ct));

        Assert.Equal(original, await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct)));
    }

    [Fact]
    public async Task A_first_daily_bar_load_that_fails_half_way_leaves_the_day_empty()
    {
        await Assert.ThrowsAsync<IOException>(() =>
            Store.ReplaceDailyBarsAsync(Day, Loads.FailingAfter(Loads.DailyBars(Day, 100, seed: 7), 50), Ct));

        Assert.Empty(await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct)));
    }

    [Fact]
    public async Task A_daily_bar_load_with_a_ticker_twice_is_refused_on_an_empty_day_and_on_a_stored_one()
    {
        var duplicate = Loads.DailyBars(Day, 20, seed: 3);
        duplicate.Add(duplicate[5]);

        var onEmpty = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceDailyBarsAsync(Day, duplicate.ToAsyncEnumerable(), Ct));
        Assert.Empty(await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct)));
        var original = Loads.DailyBars(Day, 10);
        await Store.ReplaceDailyBarsAsync(Day, original.ToAsyncEnumerable(), Ct);
        var onStored = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceDailyBarsAsync(Day, duplicate.ToAsyncEnumerable(), Ct));

        Assert.Contains("more than once", onEmpty.Message, StringComparison.Ordinal);
        Assert.Contains("more than once", onStored.Message, StringComparison.Ordinal);
        Assert.Equal(original, await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct)));
    }

    [Fact]
    public async Task Days_without_bars_are_added_together_in_one_load()
    {
        var previous = Loads.DailyBars(PreviousDay, 30, seed: 2);
        var day = Loads.DailyBars(Day, 40, seed: 3);

        var added = await Store.AddDailyBarsDaysAsync([PreviousDay, Day, NextDay], previous.Concat(day).ToAsyncEnumerable(), Ct);

        Assert.Equal(70, added);
        Assert.Equal(previous, await Loads.ToListAsync(Store.ReadDailyBarsAsync(PreviousDay, Ct)));
        Assert.Equal(day, await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct)));
        Assert.Equal([PreviousDay, Day], await Store.DaysWithDailyBarsAsync(PreviousDay, NextDay, Ct));
    }

    [Fact]
    public async Task Adding_days_refuses_a_stored_day_a_bar_of_another_day_or_a_failure_and_writes_nothing()
    {
        var stored = Loads.DailyBars(Day, 10);
        await Store.ReplaceDailyBarsAsync(Day, stored.ToAsyncEnumerable(), Ct);
        var previous = Loads.DailyBars(PreviousDay, 20, seed: 5);
        var strayDay = previous.Append(Loads.DailyBars(NextDay, 1)[0]).ToList();

        var taken = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store.AddDailyBarsDaysAsync([PreviousDay, Day], previous.ToAsyncEnumerable(), Ct));
        await Assert.ThrowsAsync<InvalidDataException>(() => Store.AddDailyBarsDaysAsync([PreviousDay], strayDay.ToAsyncEnumerable(), Ct));
        await Assert.ThrowsAsync<IOException>(() => Store.AddDailyBarsDaysAsync([PreviousDay], Loads.FailingAfter(previous, 10), Ct));

        Assert.Contains("already holds 2025-03-14", taken.Message, StringComparison.Ordinal);
        Assert.Empty(await Loads.ToListAsync(Store.ReadDailyBarsAsync(PreviousDay, Ct)));
        Assert.Equal(stored, await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct)));
    }

    [Fact]
    public async Task Upserted_daily_bars_merge_into_any_day_and_delete_nothing()
    {
        await Store.ReplaceDailyBarsAsync(Day, Loads.DailyBars(Day, 5).ToAsyncEnumerable(), Ct);
        var changed = Loads.DailyBars(Day, 5, seed: 30)[2];
        var recovered = new DailyBar("LATE", PreviousDay, 1, 2, 0.5, 1.5, 1000, 1.2, 10);

        var written = await Store.UpsertDailyBarsAsync(new[] { changed, recovered }.ToAsyncEnumerable(), Ct);

        Assert.Equal(2, written);
        var day = await Loads.ToListAsync(Store.ReadDailyBarsAsync(Day, Ct));
        Assert.Equal(5, day.Count);
        Assert.Equal(changed, day[2]);
        Assert.Equal([recovered], await Loads.ToListAsync(Store.ReadDailyBarsAsync(PreviousDay, Ct)));
        Assert.Equal([PreviousDay, Day], await Store.DaysWithDailyBarsAsync(PreviousDay, NextDay, Ct));
    }

    [Fact]
    public async Task Daily_bar_history_comes_one_symbol_at_a_time_in_date_order_within_the_window()
    {
        var days = new[] { new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 11), new DateOnly(2025, 3, 12), PreviousDay, Day };
        // Newest first, so the rows are stored against date order: the price history reads them in no order.
        foreach (var (day, i) in days.Select((d, i) => (d, i)).Reverse())
        {
            // Symbol T0002 is listed from the third day on.
            await Store.ReplaceDailyBarsAsync(day, Loads.DailyBars(day, i >= 2 ? 3 : 2, seed: i).ToAsyncEnumerable(), Ct);
        }

        var history = await Loads.ToListAsync(Store.ReadDailyBarHistoryAsync(days[1], PreviousDay, Ct));

        Assert.Equal(["T0000", "T0001", "T0002"], history.Select(h => h.Symbol));
        Assert.Equal(days[1..4], history[0].Bars.Select(b => b.Date));
        Assert.Equal([days[2], PreviousDay], history[2].Bars.Select(b => b.Date));
        Assert.Equal(Loads.DailyBars(days[2], 3, seed: 2)[1], history[1].Bars[1]);

        var prices = await Loads.ToListAsync(Store.ReadDailyPriceHistoryAsync(days[1], PreviousDay, null, Ct));
        Assert.Equal(history.Select(h => h.Symbol), prices.Select(p => p.Symbol));
        Assert.All(history.Zip(prices), pair =>
        {
            Assert.Equal(pair.First.Bars.Select(b => b.Date), pair.Second.Dates);
            Assert.Equal(pair.First.Bars.Select(b => b.High), pair.Second.High);
            Assert.Equal(pair.First.Bars.Select(b => b.Low), pair.Second.Low);
            Assert.Equal(pair.First.Bars.Select(b => b.Close), pair.Second.Close);
        });
        var narrowed = await Loads.ToListAsync(Store.ReadDailyPriceHistoryAsync(days[0], Day, ["T0002", "NONE"], Ct));
        Assert.Equal(["T0002"], narrowed.Select(p => p.Symbol));
        Assert.Equal([days[2], PreviousDay, Day], narrowed[0].Dates);
    }

    private const string LongSymbol = "LONGERTHANANYTICKERTRADEDTODAY.WHEN.ISSUED";

    [Fact]
    public async Task Volumes_and_closes_come_by_symbol_in_their_sessions_places_and_average_as_the_bars_do()
    {
        // Bars on 6, 7, 10, 11, 12, 13 and 14 March; the sessions leave out 6 March (before) and 12 March (between).
        DateOnly[] days = [new(2025, 3, 6), new(2025, 3, 7), new(2025, 3, 10), new(2025, 3, 11), new(2025, 3, 12), PreviousDay, Day];
        DateOnly[] sessions = [days[1], days[2], days[3], PreviousDay, Day];
        var loaded = new List<DailyBar>();
        foreach (var (day, i) in days.Select((d, i) => (d, i)))
        {
            // T0002 is listed from 11 March on (three sessions: no averages); closes with four decimals.
            var bars = Loads.DailyBars(day, i >= 3 ? 3 : 2, seed: i).Select(b => b with { Close = b.Close + (i * 1.0101) }).ToList();
            if (day == Day)
            {
                // Longer than the read's buffer of characters: read whole all the same.
                bars.Add(bars[0] with { Symbol = LongSymbol });
            }

            loaded.AddRange(bars);
            await Store.ReplaceDailyBarsAsync(day, bars.ToAsyncEnumerable(), Ct);
        }

        var read = await Store.ReadVolumesAndClosesAsync(sessions, Ct);

        Assert.Equal([LongSymbol, "T0000", "T0001", "T0002"], read.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(sessions.Select(d => Stored("T0000", d)), read["T0000"]);
        Assert.Equal([null, null, null, null, Stored(LongSymbol, Day)], read[LongSymbol]);
        Assert.Equal([null, null, .. sessions[2..].Select(d => Stored("T0002", d))], read["T0002"]);
        Assert.Equal(
            loaded.Select(b => b.Symbol).Distinct().Order(StringComparer.Ordinal).Select(s => VolumeAverages.Calculate(s, [.. loaded.Where(b => b.Symbol == s)], sessions)),
            read.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => VolumeAverages.FromSessions(p.Key, p.Value)));
        Assert.NotNull(VolumeAverages.FromSessions("T0001", read["T0001"]));
        Assert.Null(VolumeAverages.FromSessions("T0002", read["T0002"]));
        Assert.Empty(await Store.ReadVolumesAndClosesAsync([NextDay], Ct));

        VolumeAndClose? Stored(string symbol, DateOnly day) =>
            loaded.Where(b => b.Symbol == symbol && b.Date == day).Select(b => new VolumeAndClose(b.Volume, b.Close)).Single();
    }

    [Fact]
    public async Task Atr_values_replace_their_day_period_and_method_only()
    {
        AtrValue[] wilder = [new("AAA", 1.25, 2.5), new("BBB", 0.5, 1.0), new("CCC", 3, 4)];
        await Store.ReplaceAtrValuesAsync(Day, 14, "wilder", wilder.ToAsyncEnumerable(), Ct);
        await Store.ReplaceAtrValuesAsync(Day, 14, "sma", new AtrValue[] { new("AAA", 9, 9) }.ToAsyncEnumerable(), Ct);

        AtrValue[] replacement = [new("AAA", 1.5, 2.75), new("CCC", 3, 4)];
        await Store.ReplaceAtrValuesAsync(Day, 14, "wilder", replacement.ToAsyncEnumerable(), Ct);
        await Store.ReplaceAtrValuesAsync(Day, 14, "wilder", replacement.ToAsyncEnumerable(), Ct);

        Assert.Equal(replacement, await Loads.ToListAsync(Store.ReadAtrValuesAsync(Day, 14, "wilder", Ct)));
        Assert.Equal([new AtrValue("AAA", 9, 9)], await Loads.ToListAsync(Store.ReadAtrValuesAsync(Day, 14, "sma", Ct)));
    }

    [Fact]
    public async Task An_atr_load_with_a_ticker_twice_is_refused_on_an_empty_day_and_on_a_stored_one()
    {
        AtrValue[] twice = [new("AAA", 1, 2), new("BBB", 3, 4), new("AAA", 5, 6)];

        var onEmpty = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceAtrValuesAsync(Day, 14, "wilder", twice.ToAsyncEnumerable(), Ct));
        Assert.Empty(await Loads.ToListAsync(Store.ReadAtrValuesAsync(Day, 14, "wilder", Ct)));

        AtrValue[] stored = [new("AAA", 1, 2), new("CCC", 7, 8)];
        await Store.ReplaceAtrValuesAsync(Day, 14, "wilder", stored.ToAsyncEnumerable(), Ct);
        var onStored = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReplaceAtrValuesAsync(Day, 14, "wilder", twice.ToAsyncEnumerable(), Ct));

        Assert.Equal(stored, await Loads.ToListAsync(Store.ReadAtrValuesAsync(Day, 14, "wilder", Ct)));
        Assert.Contains("more than once", onEmpty.Message, StringComparison.Ordinal);
        Assert.Contains("more than once", onStored.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ticker_upserts_keep_known_fields_the_earliest_first_seen_and_mark_delistings()
    {
        Ticker[] listed =
        [
            new() { Symbol = "AAPL", Name = "Apple Inc.", Exchange = "XNAS", Type = "CS", Cik = "0000320193", FirstSeen = new DateOnly(2020, 1, 2) },
            new() { Symbol = "GONE", Name = "Gone Corp", Exchange = "XNYS", Type = "CS", FirstSeen = new DateOnly(2021, 6, 1) },
        ];
        await Store.UpsertTickersAsync(listed.ToAsyncEnumerable(), Ct);

        // An enrichment that only knows the market cap and shares, and a later first sighting.
        Ticker[] enriched = [new() { Symbol = "AAPL", MarketCap = 3.5e12, SharesOutstanding = 15_000_000_000, FloatShares = 14_900_000_000, Sector = "Technology", FirstSeen = new DateOnly(2024, 1, 2) }];
        await Store.UpsertTickersAsync(enriched.ToAsyncEnumerable(), Ct);
        var delisted = await Store.MarkTickersInactiveAsync(["GONE", "NEVER-SEEN"], Ct);
        var again = await Store.MarkTickersInactiveAsync(["GONE"], Ct);

        var all = await Loads.ToListAsync(Store.ReadTickersAsync(activeOnly: false, Ct));
        var active = await Loads.ToListAsync(Store.ReadTickersAsync(activeOnly: true, Ct));
        Assert.Equal(1, delisted);
        Assert.Equal(0, again);
        Assert.Equal(["AAPL", "GONE"], all.Select(t => t.Symbol));
        var apple = Assert.Single(active);
        Assert.Equal(
            listed[0] with { MarketCap = 3.5e12, SharesOutstanding = 15_000_000_000, FloatShares = 14_900_000_000, Sector = "Technology", UpdatedAt = apple.UpdatedAt },
            apple);
        Assert.NotEqual(default, apple.UpdatedAt);
        Assert.False(all[1].Active);
        Assert.Equal("Gone Corp", all[1].Name);
    }

    /// <summary>A ticker with every one of Polygon's ticker-details fields.</summary>
    public static Ticker Detailed(string symbol) => new()
    {
        Symbol = symbol,
        Name = "Apple Inc.",
        Exchange = "XNAS",
        Type = "CS",
        MarketCap = 3.98e12,
        FloatShares = 14_700_000_000,
        SharesOutstanding = 14_776_353_000,
        Sector = "Manufacturing",
        Industry = "ELECTRONIC COMPUTERS",
        Cik = "0000320193",
        FirstSeen = new DateOnly(2020, 1, 2),
        Description = "Apple designs a wide variety of consumer electronic devices.",
        HomepageUrl = "https://www.apple.com",
        PhoneNumber = "(408) 996-1010",
        Address1 = "ONE APPLE PARK WAY",
        City = "CUPERTINO",
        State = "CA",
        PostalCode = "95014",
        TotalEmployees = 164_000,
        ListDate = new DateOnly(1980, 12, 12),
        LogoUrl = "https://example.com/logo.svg",
        IconUrl = "https://example.com/icon.png",
        CompositeFigi = "BBG000B9XRY4",
        ShareClassFigi = "BBG001S5N8V8",
        TickerRoot = "AAPL",
        TickerSuffix = "W",
        CurrencyName = "usd",
        Locale = "us",
        Market = "stocks",
        RoundLot = 100,
        DelistedUtc = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)),
    };

    [Fact]
    public async Task Ticker_details_round_trip_and_an_upsert_that_does_not_know_them_keeps_them()
    {
        var detailed = Detailed("AAPL");
        await Store.UpsertTickersAsync(new[] { detailed }.ToAsyncEnumerable(), Ct);
        var first = Assert.Single(await Loads.ToListAsync(Store.ReadTickersAsync(activeOnly: false, Ct)));

        await Store.UpsertTickersAsync(new Ticker[] { new() { Symbol = "AAPL", MarketCap = 4e12 } }.ToAsyncEnumerable(), Ct);
        var second = Assert.Single(await Loads.ToListAsync(Store.ReadTickersAsync(activeOnly: false, Ct)));

        // The instant comes back in UTC, the same instant.
        var expected = detailed with { DelistedUtc = new DateTimeOffset(2030, 1, 2, 8, 4, 5, TimeSpan.Zero) };
        Assert.Equal(expected with { UpdatedAt = first.UpdatedAt }, first);
        Assert.Equal(TimeSpan.Zero, first.DelistedUtc!.Value.Offset);
        Assert.Equal(expected with { MarketCap = 4e12, UpdatedAt = second.UpdatedAt }, second);
    }

    [Fact]
    public async Task A_ticker_without_a_first_seen_date_gets_today()
    {
        await Store.UpsertTickersAsync(new Ticker[] { new() { Symbol = "NEWCO" } }.ToAsyncEnumerable(), Ct);

        var stored = Assert.Single(await Loads.ToListAsync(Store.ReadTickersAsync(activeOnly: true, Ct)));

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TradingCalendar.NewYork).DateTime);
        Assert.InRange(stored.FirstSeen!.Value, today.AddDays(-1), today);
        Assert.True(stored.Active);
    }

    [Fact]
    public async Task Windows_that_end_before_they_start_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DaysWithDailyBarsAsync(Day, PreviousDay, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CountVolumeSlotsAsync(Day, PreviousDay, Ct));
    }
}
