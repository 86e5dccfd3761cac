namespace Maintenance.Tasks.CalculateRvol;

/// <summary>Configuration <c>Tasks:Rvol</c>.</summary>
public sealed class RvolOptions
{
    public const string Section = "Tasks:Rvol";

    public static readonly int[] DefaultLookbacks = [5];

    /// <summary>Days averaged, one hash per ticker and lookback (<c>rvol:hist:avg:{SYMBOL}:{days}</c>); empty means [5].</summary>
    public int[] Lookbacks { get; set; } = [];

    /// <summary>Time to live of the hashes (docs/DESIGN.md: 14 h, until after the next session's close).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(14);

    /// <summary>Share of the active tickers with slot data on the target date whose hashes must be written (0-1); default 0.95.</summary>
    public double MinSuccessRatio { get; set; } = 0.95;

    public int[] EffectiveLookbacks => Lookbacks.Length == 0 ? DefaultLookbacks : [.. Lookbacks.Distinct().Order()];

    /// <summary>The most days any lookback needs: how many trading days of slots LoadVolumeSlots keeps present.</summary>
    public int LargestLookback => EffectiveLookbacks.Max();

    public string? Problem() =>
        EffectiveLookbacks.Any(days => days is < 1 or > 260) ? $"{Section}:Lookbacks must be between 1 and 260 days, got [{string.Join(", ", Lookbacks)}]."
        : Ttl <= TimeSpan.Zero ? $"{Section}:Ttl must be positive."
        : MinSuccessRatio is < 0 or > 1 ? $"{Section}:MinSuccessRatio must be between 0 and 1, got {MinSuccessRatio}."
        : null;
}
