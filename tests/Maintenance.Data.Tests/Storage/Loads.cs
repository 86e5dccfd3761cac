using Maintenance.Core;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Tests.Storage;

/// <summary>Deterministic loads for the store tests, and enumerators that fail part-way.</summary>
internal static class Loads
{
    public static string Symbol(int i) => "T" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><paramref name="tickers"/> tickers with <paramref name="slotsPerTicker"/> slots each; <paramref name="seed"/> varies the numbers.</summary>
    public static List<TickerVolumeSlots> VolumeSlots(DateOnly day, int tickers, int slotsPerTicker, int seed = 1)
    {
        var result = new List<TickerVolumeSlots>(tickers);
        for (var t = 0; t < tickers; t++)
        {
            var slots = new VolumeSlot[slotsPerTicker];
            long accumulated = 0;
            for (var s = 0; s < slotsPerTicker; s++)
            {
                var slot = s * 192 / slotsPerTicker;
                var volume = ((t + 1) * 1000L) + (slot * 7L) + seed;
                accumulated += volume;
                slots[s] = new VolumeSlot(slot, volume, accumulated, (t % 50) + s + seed);
            }

            result.Add(new TickerVolumeSlots(Symbol(t), day, slots));
        }

        return result;
    }

    public static List<DailyBar> DailyBars(DateOnly day, int tickers, int seed = 1)
    {
        var result = new List<DailyBar>(tickers);
        for (var t = 0; t < tickers; t++)
        {
            var open = 10 + t + (seed / 10.0);
            result.Add(new DailyBar(Symbol(t), day, open, open + 1.5, open - 0.75, open + 0.25, 100_000L * (t + 1) + seed,
                t % 3 == 0 ? null : open + 0.1, 500 + t + seed));
        }

        return result;
    }

    /// <summary>Yields the items, then throws after <paramref name="failAfter"/> of them: a source that dies mid-load.</summary>
    public static async IAsyncEnumerable<T> FailingAfter<T>(IEnumerable<T> items, int failAfter)
    {
        var given = 0;
        foreach (var item in items)
        {
            if (given == failAfter)
            {
                throw new IOException($"source failed after {failAfter} items");
            }

            await Task.Yield();
            given++;
            yield return item;
        }
    }

    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>A day's slots as comparable rows, in (symbol, slot) order.</summary>
    public static List<(string Symbol, DateOnly Date, VolumeSlot Slot)> Flatten(IEnumerable<TickerVolumeSlots> tickers) =>
        [.. tickers.SelectMany(t => t.Slots.Select(s => (Symbol: t.Symbol, Date: t.Date, Slot: s)))
            .OrderBy(r => r.Symbol, StringComparer.Ordinal).ThenBy(r => r.Slot.Slot)];
}
