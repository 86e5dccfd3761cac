namespace Maintenance.Tasks.CalculateAtr;

/// <summary>Configuration <c>Tasks:Atr</c>.</summary>
public sealed class AtrOptions
{
    public const string Section = "Tasks:Atr";

    public AtrMethod Method { get; set; } = AtrMethod.Wilder;

    public int Period { get; set; } = Atr.DefaultPeriod;

    /// <summary>Trading days of daily bars ending at the target date that the ATR reads (and LoadOhlc keeps present).</summary>
    public int LookbackDays { get; set; } = Atr.DefaultLookbackDays;

    /// <summary>Share of the tickers with enough history whose ATR must compute (0-1); default 0.95.</summary>
    public double MinSuccessRatio { get; set; } = 0.95;

    public string? Problem() =>
        Period < 1 ? $"{Section}:Period must be 1 or more, got {Period}."
        : LookbackDays < Period + 1 ? $"{Section}:LookbackDays ({LookbackDays}) must be at least Period + 1 ({Period + 1})."
        : MinSuccessRatio is < 0 or > 1 ? $"{Section}:MinSuccessRatio must be between 0 and 1, got {MinSuccessRatio}."
        : !Enum.IsDefined(Method) ? $"{Section}:Method must be Wilder, Sma or Ema."
        : null;
}
