using Maintenance.Core;

namespace Maintenance.Data.Storage;

/// <summary>
/// Folds slot rows grouped by symbol into one <see cref="VolumeSlotHistory"/> per symbol, handing each out as soon as
/// the next symbol starts, so only one symbol is held at a time. Within a symbol the rows of its days may interleave
/// (a merge of the days on slot); each day's rows must come in slot order.
/// </summary>
internal sealed class VolumeSlotGrouping
{
    // The symbol's days in the order first seen: a few (the RVOL window), so a linear search beats a dictionary.
    private readonly List<(DateOnly Day, List<VolumeSlot> Slots)> _days = [];
    private readonly Stack<List<VolumeSlot>> _spare = new();
    private string? _symbol;

    /// <returns>The previous symbol's history when <paramref name="symbol"/> starts a new one, else null.</returns>
    public VolumeSlotHistory? Add(string symbol, DateOnly day, VolumeSlot slot)
    {
        VolumeSlotHistory? finished = null;
        if (_symbol is null || !string.Equals(_symbol, symbol, StringComparison.Ordinal))
        {
            finished = Finish();
            _symbol = symbol;
        }

        SlotsOf(day).Add(slot);
        return finished;
    }

    /// <returns>The symbol in progress, if any.</returns>
    public VolumeSlotHistory? Finish()
    {
        if (_symbol is null)
        {
            return null;
        }

        _days.Sort((a, b) => a.Day.CompareTo(b.Day));
        var history = new VolumeSlotHistory(_symbol, [.. _days.Select(d => new TickerVolumeSlots(_symbol, d.Day, [.. d.Slots]))]);
        foreach (var (_, slots) in _days)
        {
            slots.Clear();
            _spare.Push(slots);
        }

        _days.Clear();
        _symbol = null;
        return history;
    }

    private List<VolumeSlot> SlotsOf(DateOnly day)
    {
        foreach (var (known, slots) in _days)
        {
            if (known == day)
            {
                return slots;
            }
        }

        var added = _spare.Count > 0 ? _spare.Pop() : new List<VolumeSlot>(VolumeSlots.Count);
        _days.Add((day, added));
        return added;
    }
}
