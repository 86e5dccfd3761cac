namespace Maintenance.Core;

/// <summary>One ticker's aggregate for one trading day (Polygon's day aggregate).</summary>
public readonly record struct DailyBar(
    string Symbol,
    DateOnly Date,
    double Open,
    double High,
    double Low,
    double Close,
    long Volume,
    double? Vwap,
    int Trades);

/// <summary>One minute aggregate of a ticker; the ticker is carried by the batch that holds it.</summary>
/// <param name="StartUtc">Start of the minute window, UTC (DateTimeKind.Utc).</param>
public readonly record struct MinuteBar(
    DateTime StartUtc,
    double Open,
    double High,
    double Low,
    double Close,
    long Volume,
    int Trades);

/// <summary>All minute bars of one ticker for one day, in time order as the source gives them.</summary>
public sealed record TickerMinuteBars(string Symbol, DateOnly Date, MinuteBar[] Bars);
