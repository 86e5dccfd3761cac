namespace Maintenance.Core;

/// <summary>
/// When scanners are filling the real-time caches: from the pre-market (04:00) to the end of the after-hours
/// (20:00) America/New_York on a trading day. Clearing those caches then would wipe live data.
/// </summary>
public static class MarketSession
{
    public const string InProgressReason = "market session in progress";

    public static readonly TimeOnly Start = TradingCalendar.PreMarketStartTime;

    // 20:00 even after an early close: some scanners keep their extended-hours keys until the usual end.
    public static readonly TimeOnly End = new(20, 0);

    /// <summary>True from 04:00 (inclusive) to 20:00 (exclusive) New York time on a trading day.</summary>
    public static bool IsInProgress(DateTimeOffset instant, TradingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var local = TimeZoneInfo.ConvertTime(instant, TradingCalendar.NewYork);
        var date = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return calendar.IsTradingDay(date) && time >= Start && time < End;
    }
}
