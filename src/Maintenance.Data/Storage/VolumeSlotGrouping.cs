using Maintenance.Core;

namespace Maintenance.Data.Storage;

/// <summary>
/// Folds slot rows ordered by (symbol, day, slot) into one <see cref="VolumeSlotHistory"/> per symbol,
/// handing each out as soon as the next symbol starts, so only one symbol is held at a time.
/// </summary>
internal sealed class VolumeSlotGrouping
{
    private readonly List<VolumeSlot> _slots = new(192);
    private List<TickerVolumeSlots> _days = [];
    private string? _symbol;
    private DateOnly _day;

    /// <returns>The previous symbol's history when <paramref name="symbol"/> starts a new one, else null.</returns>
    public VolumeSlotHistory? Add(string symbol, DateOnly day, VolumeSlot slot)
    {
        VolumeSlotHistory? finished = null;
        if (_symbol is null || !string.Equals(_symbol, symbol, StringComparison.Ordinal))
        {
            finished = Finish();
            _symbol = symbol;
            _day = day;
        }
        else if (day != _day)
        {
            CloseDay();
            _day = day;
        }

        _slots.Add(slot);
        return finished;
    }

    /// <returns>The symbol in progress, if any.</returns>
    public VolumeSlotHistory? Finish()
    {
        if (_symbol is null)
        {
            return null;
        }

        CloseDay();
        var history = new VolumeSlotHistory(_symbol, _days);
        _days = [];
        _symbol = null;
        return history;
    }

    private void CloseDay()
    {
        _days.Add(new TickerVolumeSlots(_symbol!, _day, [.. _slots]));
        _slots.Clear();
    }
}
