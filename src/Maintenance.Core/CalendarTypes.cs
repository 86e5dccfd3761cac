namespace Maintenance.Core;

/// <summary>A full-day closure the rules do not produce (a national day of mourning, a storm); bindable from configuration.</summary>
public sealed record MarketClosure(DateOnly Date, string Name);

/// <summary>An early close the rules do not produce; bindable from configuration.</summary>
/// <param name="Close">The closing time, America/New_York.</param>
public sealed record MarketEarlyClose(DateOnly Date, TimeOnly Close, string Name);

/// <summary>The trading hours of one day, America/New_York offsets.</summary>
public sealed record TradingSession(
    DateOnly Date,
    DateTimeOffset PreMarketStart,
    DateTimeOffset Open,
    DateTimeOffset Close,
    DateTimeOffset AfterHoursEnd,
    bool IsEarlyClose);

/// <summary>When the daily maintenance fires and which trading day it maintains.</summary>
public sealed record MaintenanceTime(DateTimeOffset FireAt, DateOnly TargetDate);

/// <summary>A weekday the exchange is closed (<see cref="Holiday"/>) or closes early (<see cref="EarlyClose"/>).</summary>
/// <param name="Kind"><c>holiday</c> or <c>early_close</c>, as printed by the <c>calendar</c> command.</param>
public sealed record CalendarEntry(DateOnly Date, string Kind, string Name)
{
    public const string Holiday = "holiday";
    public const string EarlyClose = "early_close";
}
