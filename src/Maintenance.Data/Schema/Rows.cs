namespace Maintenance.Data.Schema;

/// <summary>A row of <c>daily_bars</c>: one ticker's aggregate for one trading day.</summary>
public sealed class DailyBarRow
{
    public required string Symbol { get; set; }
    public DateOnly TradingDate { get; set; }
    public double Open { get; set; }
    public double High { get; set; }
    public double Low { get; set; }
    public double Close { get; set; }
    public long Volume { get; set; }
    public double? Vwap { get; set; }
    public int Trades { get; set; }
}

/// <summary>A row of <c>volume_slots</c>: one ticker's five-minute slot of one trading day.</summary>
public sealed class VolumeSlotRow
{
    public DateOnly TradingDate { get; set; }
    public required string Symbol { get; set; }
    /// <summary>0-191; slot n covers [04:00 + 5n, 04:05 + 5n) America/New_York.</summary>
    public short Slot { get; set; }
    public long Volume { get; set; }
    public long AccumulatedVolume { get; set; }
    public int Trades { get; set; }
}

/// <summary>A row of <c>atr_values</c>: one ticker's ATR at the end of one trading day, for one period and method.</summary>
public sealed class AtrValueRow
{
    public DateOnly TradingDate { get; set; }
    public required string Symbol { get; set; }
    public int Period { get; set; }
    public required string Method { get; set; }
    public double Atr { get; set; }
    public double AtrPercent { get; set; }
}
