using System.Globalization;
using Maintenance.Core;

namespace Maintenance.Core.Tests;

public class MaintenanceStartRulesTests
{
    // Friday 2025-12-05 10:00 New York (EST): the latest day that can be maintained is Thursday 2025-12-04.
    private static readonly DateTimeOffset FridayMorning = new(2025, 12, 5, 15, 0, 0, TimeSpan.Zero);

    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2025-12-04")]
    [InlineData("2025-12-03")]
    [InlineData("2025-11-28")]
    [InlineData("1990-01-02")]
    public void A_complete_trading_day_may_start(string date)
    {
        Assert.Null(MaintenanceStartRules.Check(D(date), TradingCalendar.Nyse, FridayMorning));
    }

    [Theory]
    [InlineData("2025-11-29", "2025-11-29 is not a trading day (Saturday)")]
    [InlineData("2025-11-30", "2025-11-30 is not a trading day (Sunday)")]
    [InlineData("2025-11-27", "2025-11-27 is not a trading day (Thanksgiving Day)")]
    [InlineData("1990-01-01", "1990-01-01 is not a trading day (New Year's Day)")]
    [InlineData("1989-12-29", "1989-12-29 is before 1990-01-01, the start of the trading calendar")]
    [InlineData("0001-01-01", "0001-01-01 is before 1990-01-01, the start of the trading calendar")]
    [InlineData("2025-12-05", "2025-12-05 has no complete data yet: the latest day that can be maintained is 2025-12-04, the trading day before today in New York")]
    [InlineData("2027-06-15", "2027-06-15 has no complete data yet: the latest day that can be maintained is 2025-12-04, the trading day before today in New York")]
    [InlineData("2200-01-03", "2200-01-03 has no complete data yet: the latest day that can be maintained is 2025-12-04, the trading day before today in New York")]
    public void Other_dates_are_refused_with_the_reason(string date, string reason)
    {
        Assert.Equal(reason, MaintenanceStartRules.Check(D(date), TradingCalendar.Nyse, FridayMorning));
    }

    [Theory]
    // 23:59 on Thursday in New York: Thursday is still today, so Wednesday is the latest.
    [InlineData("2025-12-05T04:59:00Z", "2025-12-03")]
    // Midnight in New York: Friday has begun, Thursday's data is complete.
    [InlineData("2025-12-05T05:00:00Z", "2025-12-04")]
    // Monday: the latest is the Friday before.
    [InlineData("2025-12-08T12:00:00Z", "2025-12-05")]
    // The Monday after Thanksgiving week: Friday 2025-11-28 (an early close) is a trading day.
    [InlineData("2025-12-01T12:00:00Z", "2025-11-28")]
    // Summer time (EDT, UTC-4): 00:30 in New York on Wednesday 2026-07-15.
    [InlineData("2026-07-15T04:30:00Z", "2026-07-14")]
    public void The_latest_maintainable_day_follows_the_New_York_date(string now, string latest)
    {
        var instant = DateTimeOffset.Parse(now, CultureInfo.InvariantCulture);

        Assert.Equal(D(latest), MaintenanceStartRules.LatestMaintainableDay(TradingCalendar.Nyse, instant));
    }
}

public class MarketSessionTests
{
    [Theory]
    // Friday 2026-03-06, winter time (EST, UTC-5).
    [InlineData("2026-03-06T08:59:59Z", false)] // 03:59:59
    [InlineData("2026-03-06T09:00:00Z", true)] // 04:00
    [InlineData("2026-03-07T00:59:59Z", true)] // 19:59:59
    [InlineData("2026-03-07T01:00:00Z", false)] // 20:00
    // Monday 2026-03-09, the first weekday of summer time (EDT, UTC-4; the clocks moved on Sunday 03-08).
    [InlineData("2026-03-09T07:59:59Z", false)] // 03:59:59
    [InlineData("2026-03-09T08:00:00Z", true)] // 04:00
    [InlineData("2026-03-09T08:30:00Z", true)] // 04:30 (03:30 had it still been winter time)
    [InlineData("2026-03-09T23:59:59Z", true)] // 19:59:59
    [InlineData("2026-03-10T00:00:00Z", false)] // 20:00
    // Monday 2026-11-02, the first weekday of winter time again (the clocks moved back on Sunday 11-01).
    [InlineData("2026-11-02T08:30:00Z", false)] // 03:30 (04:30 had it still been summer time)
    [InlineData("2026-11-02T09:00:00Z", true)] // 04:00
    [InlineData("2026-11-03T00:30:00Z", true)] // 19:30
    [InlineData("2026-11-03T01:00:00Z", false)] // 20:00
    // The 03:00 maintenance is outside the session.
    [InlineData("2025-12-05T08:00:00Z", false)] // Friday 03:00 EST
    public void The_session_runs_from_04_00_to_20_00_New_York_time_across_daylight_saving(string instant, bool inProgress)
    {
        Assert.Equal(inProgress, MarketSession.IsInProgress(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture), TradingCalendar.Nyse));
    }

    [Theory]
    [InlineData("2026-03-07T16:00:00Z", false)] // Saturday 11:00
    [InlineData("2026-03-08T16:00:00Z", false)] // Sunday 12:00 (summer time)
    [InlineData("2025-11-27T16:00:00Z", false)] // Thanksgiving Day 11:00
    [InlineData("2025-11-28T23:00:00Z", true)] // 18:00 after the 13:00 early close: still until 20:00
    [InlineData("2025-11-29T01:00:00Z", false)] // 20:00 after the early close
    public void Closed_days_have_no_session_and_an_early_close_keeps_it_until_20_00(string instant, bool inProgress)
    {
        Assert.Equal(inProgress, MarketSession.IsInProgress(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture), TradingCalendar.Nyse));
    }
}
