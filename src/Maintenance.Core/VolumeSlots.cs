namespace Maintenance.Core;

/// <summary>
/// Minute bars of one ticker and day to the 192 five-minute slots of the extended session (04:00-20:00 New York).
/// </summary>
public static class VolumeSlots
{
    public const int Count = 192;
    public const int MinutesPerSlot = 5;

    private const long TicksPerSlot = MinutesPerSlot * TimeSpan.TicksPerMinute;

    /// <summary>The UTC start of slot 0 (04:00 New York) on <paramref name="date"/>.</summary>
    /// <remarks>
    /// New York changes its offset at 02:00, so from 04:00 to 20:00 the offset of a day is constant and a bar's
    /// slot is its distance from this instant, in five-minute steps, on DST-change days too.
    /// </remarks>
    public static DateTime DayStartUtc(DateOnly date) =>
        TradingCalendar.AtNewYork(date, TradingCalendar.PreMarketStartTime).UtcDateTime;

    /// <summary>The UTC start of <paramref name="slot"/> on <paramref name="date"/>.</summary>
    public static DateTime SlotStartUtc(DateOnly date, int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, Count);
        return DayStartUtc(date).AddTicks(slot * TicksPerSlot);
    }

    /// <summary>The slot holding the minute that starts at <paramref name="startUtc"/>, or -1 outside 04:00-20:00 New York of that day.</summary>
    public static int SlotOf(DateTime dayStartUtc, DateTime startUtc)
    {
        var ticks = startUtc.Ticks - dayStartUtc.Ticks;
        if (ticks < 0)
        {
            return -1;
        }

        var slot = ticks / TicksPerSlot;
        return slot < Count ? (int)slot : -1;
    }

    /// <summary>
    /// Adds the bars of one ticker's <paramref name="date"/> into its slots. The spans are cleared first; bars outside
    /// 04:00-20:00 New York of that date are ignored. <paramref name="accumulated"/> is filled for every slot
    /// (the volume from 04:00 to the slot's end). No allocation.
    /// </summary>
    /// <returns>The number of bars that fell into a slot.</returns>
    public static int Aggregate(
        DateOnly date,
        ReadOnlySpan<MinuteBar> bars,
        Span<long> volume,
        Span<long> accumulated,
        Span<int> trades)
    {
        RequireSlotSpan(volume.Length, nameof(volume));
        RequireSlotSpan(accumulated.Length, nameof(accumulated));
        RequireSlotSpan(trades.Length, nameof(trades));
        volume[..Count].Clear();
        trades[..Count].Clear();

        var dayStartTicks = DayStartUtc(date).Ticks;
        var counted = 0;
        foreach (ref readonly var bar in bars)
        {
            var offset = (ulong)(bar.StartUtc.Ticks - dayStartTicks);
            var slot = offset / TicksPerSlot;
            // A bar before 04:00 wraps to a huge unsigned offset: one comparison rejects both ends.
            if (slot >= Count)
            {
                continue;
            }

            volume[(int)slot] += bar.Volume;
            trades[(int)slot] += bar.Trades;
            counted++;
        }

        long running = 0;
        for (var slot = 0; slot < Count; slot++)
        {
            running += volume[slot];
            accumulated[slot] = running;
        }

        return counted;
    }

    /// <summary>
    /// The slots of one ticker's day that hold at least one bar, in slot order — the rows the volume-slot table stores.
    /// </summary>
    public static VolumeSlot[] Aggregate(TickerMinuteBars day)
    {
        ArgumentNullException.ThrowIfNull(day);
        return Rows(day.Date, day.Bars, out _);
    }

    /// <summary>
    /// The slot rows of one ticker's bars of <paramref name="date"/> (see <see cref="Aggregate(TickerMinuteBars)"/>) in one
    /// pass over the bars; <paramref name="inSession"/> is how many of them fell into a slot (04:00-20:00 New York).
    /// </summary>
    public static VolumeSlot[] Rows(DateOnly date, ReadOnlySpan<MinuteBar> bars, out int inSession)
    {
        Span<long> volume = stackalloc long[Count];
        Span<int> trades = stackalloc int[Count];
        Span<int> barsInSlot = stackalloc int[Count];
        var dayStartTicks = DayStartUtc(date).Ticks;
        inSession = 0;
        foreach (ref readonly var bar in bars)
        {
            var slot = (ulong)(bar.StartUtc.Ticks - dayStartTicks) / TicksPerSlot;
            // A bar before 04:00 wraps to a huge unsigned offset: one comparison rejects both ends.
            if (slot >= Count)
            {
                continue;
            }

            volume[(int)slot] += bar.Volume;
            trades[(int)slot] += bar.Trades;
            barsInSlot[(int)slot]++;
            inSession++;
        }

        var rows = 0;
        foreach (var count in barsInSlot)
        {
            rows += count > 0 ? 1 : 0;
        }

        var result = new VolumeSlot[rows];
        var next = 0;
        long running = 0;
        for (var slot = 0; slot < Count; slot++)
        {
            running += volume[slot];
            if (barsInSlot[slot] > 0)
            {
                result[next++] = new VolumeSlot(slot, volume[slot], running, trades[slot]);
            }
        }

        return result;
    }

    /// <summary>
    /// A day's accumulated volume at every slot from its stored rows: forward-filled over slots without a row,
    /// 0 before the first one (the RVOL definition).
    /// </summary>
    public static void FillAccumulated(ReadOnlySpan<VolumeSlot> rows, Span<long> accumulated)
    {
        RequireSlotSpan(accumulated.Length, nameof(accumulated));
        accumulated[..Count].Clear();
        Span<bool> present = stackalloc bool[Count];
        foreach (ref readonly var row in rows)
        {
            if (row.Slot is < 0 or >= Count)
            {
                throw new ArgumentException($"Volume slot {row.Slot} is outside 0-{Count - 1}.", nameof(rows));
            }

            accumulated[row.Slot] = row.AccumulatedVolume;
            present[row.Slot] = true;
        }

        // Rows may come in any order, so the fill runs after all are placed.
        long last = 0;
        for (var slot = 0; slot < Count; slot++)
        {
            if (present[slot])
            {
                last = accumulated[slot];
            }
            else
            {
                accumulated[slot] = last;
            }
        }
    }

    private static void RequireSlotSpan(int length, string name)
    {
        if (length < Count)
        {
            throw new ArgumentException($"The span needs room for {Count} slots, it has {length}.", name);
        }
    }
}
