namespace Maintenance.Tasks.LoadOhlc;

/// <summary>Configuration <c>Tasks:LoadOhlc</c>. The history window is the ATR lookback (<c>Tasks:Atr:LookbackDays</c>).</summary>
public sealed class LoadOhlcOptions
{
    public const string Section = "Tasks:LoadOhlc";

    /// <summary>Share of the active universe that must have a bar on the target date (0-1); default 0.9.</summary>
    public double MinCoverage { get; set; } = 0.9;

    /// <summary>History days of the window the source may lack before the step fails; default 0.</summary>
    public int MaxMissingHistoryDays { get; set; }

    public string? Problem() =>
        MinCoverage is < 0 or > 1 ? $"{Section}:MinCoverage must be between 0 and 1, got {MinCoverage}."
        : MaxMissingHistoryDays < 0 ? $"{Section}:MaxMissingHistoryDays must be 0 or more."
        : null;
}
