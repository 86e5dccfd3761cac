namespace Maintenance.Tasks.RecoverMissingTickers;

/// <summary>Configuration <c>Tasks:RecoverMissingTickers</c>.</summary>
public sealed class RecoverMissingTickersOptions
{
    public const string Section = "Tasks:RecoverMissingTickers";

    /// <summary>New tickers added per run at most (a guard against a corrupt day file); the rest are added by the next runs. Default 20000, above the whole US market, so a fresh install is complete in one run.</summary>
    public int MaxPerRun { get; set; } = 20_000;

    /// <summary>An active ticker without a bar on any of this many trading days ending at the target date is marked inactive. Default 10.</summary>
    public int InactiveAfterDays { get; set; } = 10;

    public string? Problem() =>
        MaxPerRun < 1 ? $"{Section}:MaxPerRun must be 1 or more, got {MaxPerRun}."
        : InactiveAfterDays < 1 ? $"{Section}:InactiveAfterDays must be 1 or more, got {InactiveAfterDays}."
        : null;
}
