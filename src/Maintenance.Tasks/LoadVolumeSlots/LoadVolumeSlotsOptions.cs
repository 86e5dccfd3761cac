namespace Maintenance.Tasks.LoadVolumeSlots;

/// <summary>Configuration <c>Tasks:LoadVolumeSlots</c>. The history window is the largest RVOL lookback (<c>Tasks:Rvol:Lookbacks</c>).</summary>
public sealed class LoadVolumeSlotsOptions
{
    public const string Section = "Tasks:LoadVolumeSlots";

    /// <summary>Share of the day's tickers with volume (daily bars) that must have slot rows (0-1); default 0.9.</summary>
    public double MinTickerCoverage { get; set; } = 0.9;

    /// <summary>Slot rows the target date must have at least; default 1 (an empty minute file fails).</summary>
    public long MinSlotRows { get; set; } = 1;

    /// <summary>History days of the window the source may lack before the step fails; default 0.</summary>
    public int MaxMissingHistoryDays { get; set; }

    public string? Problem() =>
        MinTickerCoverage is < 0 or > 1 ? $"{Section}:MinTickerCoverage must be between 0 and 1, got {MinTickerCoverage}."
        : MinSlotRows < 0 ? $"{Section}:MinSlotRows must be 0 or more."
        : MaxMissingHistoryDays < 0 ? $"{Section}:MaxMissingHistoryDays must be 0 or more."
        : null;
}
