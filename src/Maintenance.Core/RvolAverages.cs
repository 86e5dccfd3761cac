namespace Maintenance.Core;

/// <summary>
/// RVOL historical averages (the seed's PineScript logic): for each lookback N, the symbol's N most recent days with
/// slot data up to and including the target date; per day the accumulated volume at every slot, forward-filled and
/// 0 before the day's first traded slot; the mean per slot over those days, truncated to an integer.
/// A symbol with fewer days than N is averaged over the days it has.
/// </summary>
public static class RvolAverages
{
    public static IReadOnlyList<int> DefaultLookbacks { get; } = [5];

    /// <summary>
    /// Averages per lookback from a symbol's matrix of accumulated volumes. No allocation.
    /// </summary>
    /// <param name="accumulatedByDay">Rows of <see cref="VolumeSlots.Count"/> forward-filled accumulated volumes, the most recent day first.</param>
    /// <param name="lookbacks">The lookbacks, in any order.</param>
    /// <param name="averages">One row of <see cref="VolumeSlots.Count"/> per lookback, in the order of <paramref name="lookbacks"/>.</param>
    /// <param name="daysUsed">Per lookback, the days averaged.</param>
    public static void Compute(ReadOnlySpan<long> accumulatedByDay, ReadOnlySpan<int> lookbacks, Span<long> averages, Span<int> daysUsed)
    {
        const int slots = VolumeSlots.Count;
        if (accumulatedByDay.Length % slots != 0)
        {
            throw new ArgumentException($"The matrix has {accumulatedByDay.Length} values, not a whole number of {slots}-slot days.", nameof(accumulatedByDay));
        }

        if (averages.Length < lookbacks.Length * slots || daysUsed.Length < lookbacks.Length)
        {
            throw new ArgumentException($"The outputs need room for {lookbacks.Length} lookbacks.", nameof(averages));
        }

        var days = accumulatedByDay.Length / slots;
        for (var k = 0; k < lookbacks.Length; k++)
        {
            if (lookbacks[k] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(lookbacks), lookbacks[k], "A lookback is at least one day.");
            }

            var used = Math.Min(lookbacks[k], days);
            var row = averages.Slice(k * slots, slots);
            row.Clear();
            for (var day = 0; day < used; day++)
            {
                var values = accumulatedByDay.Slice(day * slots, slots);
                for (var slot = 0; slot < slots; slot++)
                {
                    row[slot] += values[slot];
                }
            }

            if (used > 0)
            {
                for (var slot = 0; slot < slots; slot++)
                {
                    // Volumes are not negative, so integer division is the truncation the seed stored.
                    row[slot] /= used;
                }
            }

            daysUsed[k] = used;
        }
    }

    /// <summary>A symbol's averages for each lookback, anchored on <paramref name="targetDate"/>.</summary>
    /// <param name="history">The symbol's days; days after the target and days without rows are left out.</param>
    public static IReadOnlyList<RvolAverage> Calculate(IEnumerable<VolumeSlotDay> history, DateOnly targetDate, IReadOnlyList<int>? lookbacks = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        lookbacks ??= DefaultLookbacks;
        if (lookbacks.Count == 0)
        {
            throw new ArgumentException("At least one lookback is needed.", nameof(lookbacks));
        }

        var longest = lookbacks.Max();
        var days = history
            .Where(d => d.Date <= targetDate && d.Slots.Count > 0)
            .OrderByDescending(d => d.Date)
            .ToList();
        for (var i = 1; i < days.Count; i++)
        {
            if (days[i].Date == days[i - 1].Date)
            {
                throw new ArgumentException($"The history holds {days[i].Date:yyyy-MM-dd} twice.", nameof(history));
            }
        }

        var used = Math.Min(longest, days.Count);
        var matrix = new long[used * VolumeSlots.Count];
        for (var day = 0; day < used; day++)
        {
            var rows = days[day].Slots as VolumeSlot[] ?? [.. days[day].Slots];
            VolumeSlots.FillAccumulated(rows, matrix.AsSpan(day * VolumeSlots.Count, VolumeSlots.Count));
        }

        var averages = new long[lookbacks.Count * VolumeSlots.Count];
        var daysUsed = new int[lookbacks.Count];
        Compute(matrix, [.. lookbacks], averages, daysUsed);

        var result = new RvolAverage[lookbacks.Count];
        for (var k = 0; k < lookbacks.Count; k++)
        {
            var positive = new List<SlotAverage>(VolumeSlots.Count);
            for (var slot = 0; slot < VolumeSlots.Count; slot++)
            {
                var average = averages[(k * VolumeSlots.Count) + slot];
                if (average > 0)
                {
                    positive.Add(new SlotAverage(slot, average));
                }
            }

            result[k] = new RvolAverage(lookbacks[k], daysUsed[k], positive);
        }

        return result;
    }
}
