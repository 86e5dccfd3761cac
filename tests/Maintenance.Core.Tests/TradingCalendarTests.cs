using System.Globalization;
using Maintenance.Core;

namespace Maintenance.Core.Tests;

public class TradingCalendarTests
{
    private static readonly TradingCalendar Nyse = TradingCalendar.Nyse;

    private static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string[] ExceptionsOf(int year, TradingCalendar? calendar = null) =>
        (calendar ?? Nyse).Exceptions(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31))
            .Select(e => $"{e.Date:yyyy-MM-dd} {e.Kind}")
            .ToArray();

    // The exchange's published holiday and early-close lists (nyse.com, "Holidays and trading hours").
    [Fact]
    public void Year_2024_matches_the_published_list()
    {
        Assert.Equal(
        [
            "2024-01-01 holiday", "2024-01-15 holiday", "2024-02-19 holiday", "2024-03-29 holiday",
            "2024-05-27 holiday", "2024-06-19 holiday", "2024-07-03 early_close", "2024-07-04 holiday",
            "2024-09-02 holiday", "2024-11-28 holiday", "2024-11-29 early_close", "2024-12-24 early_close",
            "2024-12-25 holiday",
        ], ExceptionsOf(2024));
    }

    [Fact]
    public void Year_2025_matches_the_published_list_including_the_day_of_mourning_for_President_Carter()
    {
        Assert.Equal(
        [
            "2025-01-01 holiday", "2025-01-09 holiday", "2025-01-20 holiday", "2025-02-17 holiday",
            "2025-04-18 holiday", "2025-05-26 holiday", "2025-06-19 holiday", "2025-07-03 early_close",
            "2025-07-04 holiday", "2025-09-01 holiday", "2025-11-27 holiday", "2025-11-28 early_close",
            "2025-12-24 early_close", "2025-12-25 holiday",
        ], ExceptionsOf(2025));
        Assert.Equal("National Day of Mourning for President Jimmy Carter", Nyse.ExceptionName(D("2025-01-09")));
    }

    [Fact]
    public void Year_2026_matches_the_published_list_with_no_early_close_before_the_observed_Independence_Day()
    {
        Assert.Equal(
        [
            "2026-01-01 holiday", "2026-01-19 holiday", "2026-02-16 holiday", "2026-04-03 holiday",
            "2026-05-25 holiday", "2026-06-19 holiday", "2026-07-03 holiday", "2026-09-07 holiday",
            "2026-11-26 holiday", "2026-11-27 early_close", "2026-12-24 early_close", "2026-12-25 holiday",
        ], ExceptionsOf(2026));
        Assert.Equal("Independence Day (observed)", Nyse.ExceptionName(D("2026-07-03")));
        Assert.False(Nyse.Session(D("2026-07-02")).IsEarlyClose);
    }

    [Fact]
    public void Year_2027_matches_the_published_list_with_Saturday_holidays_observed_on_Friday()
    {
        Assert.Equal(
        [
            "2027-01-01 holiday", "2027-01-18 holiday", "2027-02-15 holiday", "2027-03-26 holiday",
            "2027-05-31 holiday", "2027-06-18 holiday", "2027-07-05 holiday", "2027-09-06 holiday",
            "2027-11-25 holiday", "2027-11-26 early_close", "2027-12-24 holiday",
        ], ExceptionsOf(2027));
        Assert.Equal("Juneteenth National Independence Day (observed)", Nyse.ExceptionName(D("2027-06-18")));
        Assert.Equal("Christmas Day (observed)", Nyse.ExceptionName(D("2027-12-24")));
        Assert.False(Nyse.Session(D("2027-12-23")).IsEarlyClose);
        Assert.False(Nyse.Session(D("2027-07-02")).IsEarlyClose);
        // 2028-01-01 is a Saturday: New Year's Day has no Friday substitute.
        Assert.True(Nyse.IsTradingDay(D("2027-12-31")));
    }

    [Fact]
    public void New_Years_Day_on_a_Saturday_has_no_Friday_substitute_and_Sunday_holidays_move_to_Monday()
    {
        Assert.True(Nyse.IsTradingDay(D("2021-12-31")));
        Assert.Equal(
        [
            "2022-01-17 holiday", "2022-02-21 holiday", "2022-04-15 holiday", "2022-05-30 holiday",
            "2022-06-20 holiday", "2022-07-04 holiday", "2022-09-05 holiday", "2022-11-24 holiday",
            "2022-11-25 early_close", "2022-12-26 holiday",
        ], ExceptionsOf(2022));
        Assert.Equal("Juneteenth National Independence Day (observed)", Nyse.ExceptionName(D("2022-06-20")));
        Assert.Equal("New Year's Day (observed)", Nyse.ExceptionName(D("2023-01-02")));
    }

    [Theory]
    [InlineData("1994-04-27", "National Day of Mourning for President Richard Nixon")]
    [InlineData("2001-09-11", "September 11 attacks")]
    [InlineData("2001-09-12", "September 11 attacks")]
    [InlineData("2001-09-13", "September 11 attacks")]
    [InlineData("2001-09-14", "September 11 attacks")]
    [InlineData("2004-06-11", "National Day of Mourning for President Ronald Reagan")]
    [InlineData("2007-01-02", "National Day of Mourning for President Gerald Ford")]
    [InlineData("2012-10-29", "Hurricane Sandy")]
    [InlineData("2012-10-30", "Hurricane Sandy")]
    [InlineData("2018-12-05", "National Day of Mourning for President George H. W. Bush")]
    [InlineData("2025-01-09", "National Day of Mourning for President Jimmy Carter")]
    public void One_off_closures_since_1990_are_not_trading_days(string date, string name)
    {
        Assert.False(Nyse.IsTradingDay(D(date)));
        Assert.Equal(name, Nyse.ExceptionName(D(date)));
    }

    [Fact]
    public void The_days_around_one_off_closures_trade()
    {
        Assert.Equal(D("2001-09-10"), Nyse.PreviousTradingDay(D("2001-09-17")));
        Assert.Equal(D("2001-09-17"), Nyse.NextTradingDay(D("2001-09-10")));
        Assert.Equal(D("2012-10-31"), Nyse.NextTradingDay(D("2012-10-26")));
    }

    [Theory]
    [InlineData("1998-01-19", true)] // the first Martin Luther King Jr. Day the exchange observed
    [InlineData("1997-01-20", false)]
    [InlineData("2021-06-18", false)] // Juneteenth only from 2022
    [InlineData("1990-04-13", true)] // Good Friday, Easter 1990-04-15
    [InlineData("2000-04-21", true)] // Easter 2000-04-23
    [InlineData("2038-04-23", true)] // Easter 2038-04-25
    [InlineData("2100-03-26", true)] // Easter 2100-03-28
    [InlineData("2010-12-24", true)] // Christmas on a Saturday
    [InlineData("2010-12-31", false)] // New Year's Day 2011 on a Saturday
    [InlineData("2015-07-03", true)] // Independence Day on a Saturday
    [InlineData("2021-07-05", true)] // Independence Day on a Sunday
    public void Rule_based_holidays_hold_across_the_years(string date, bool isHoliday)
    {
        Assert.Equal(isHoliday, !Nyse.IsTradingDay(D(date)));
    }

    [Theory]
    [InlineData("2013-07-03", "13:00")] // the first Wednesday early close before Independence Day
    [InlineData("2002-07-05", "13:00")] // before 2013 a Thursday holiday moved the early close to the Friday after
    [InlineData("2008-07-03", "13:00")]
    [InlineData("1992-11-27", "14:00")] // before 1993 the early closes were at 14:00
    [InlineData("1991-12-24", "14:00")]
    [InlineData("1997-12-26", "13:00")] // one-off
    [InlineData("2003-12-26", "13:00")] // one-off
    [InlineData("2019-12-24", "13:00")]
    public void Historical_early_closes_close_at_their_time(string date, string close)
    {
        var session = Nyse.Session(D(date));
        Assert.True(session.IsEarlyClose);
        Assert.Equal(close, session.Close.ToString("HH:mm", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2002-07-03")]
    [InlineData("2020-07-02")] // July 4 on a Saturday
    [InlineData("2021-07-02")] // July 4 on a Sunday
    [InlineData("2023-12-22")] // Christmas Eve on a Sunday
    [InlineData("2021-12-23")] // Christmas Eve is the observed holiday
    [InlineData("1991-11-29")] // the day after Thanksgiving closed early only from 1992
    public void Days_that_look_like_early_closes_but_are_not(string date)
    {
        Assert.False(Nyse.Session(D(date)).IsEarlyClose);
    }

    [Fact]
    public void Trading_day_counts_of_known_years()
    {
        Assert.Equal(252, Nyse.TradingDays(D("2024-01-01"), D("2024-12-31")).Count());
        Assert.Equal(250, Nyse.TradingDays(D("2025-01-01"), D("2025-12-31")).Count());
        Assert.Equal([D("2024-12-23"), D("2024-12-24"), D("2024-12-26")], Nyse.TradingDays(D("2024-12-21"), D("2024-12-26")));
    }

    [Fact]
    public void Previous_and_next_trading_days_skip_weekends_and_holidays()
    {
        Assert.Equal(D("2024-12-31"), Nyse.PreviousTradingDay(D("2025-01-02")));
        Assert.Equal(D("2025-01-08"), Nyse.PreviousTradingDay(D("2025-01-10")));
        Assert.Equal(D("2025-04-17"), Nyse.PreviousTradingDay(D("2025-04-21")));
        Assert.Equal(D("2026-07-06"), Nyse.NextTradingDay(D("2026-07-02")));
        Assert.Equal(D("2027-01-04"), Nyse.NextTradingDay(D("2026-12-31")));
        Assert.Equal(D("2024-12-20"), Nyse.AddTradingDays(D("2024-12-31"), -6));
        Assert.Equal(D("2025-01-03"), Nyse.AddTradingDays(D("2024-12-31"), 2));
        Assert.Equal(D("2024-12-31"), Nyse.AddTradingDays(D("2024-12-31"), 0));
    }

    [Fact]
    public void Regular_session_in_winter_and_summer_offsets()
    {
        var winter = Nyse.Session(D("2025-01-10"));
        Assert.Equal(DateTimeOffset.Parse("2025-01-10T04:00:00-05:00", CultureInfo.InvariantCulture), winter.PreMarketStart);
        Assert.Equal(DateTimeOffset.Parse("2025-01-10T09:30:00-05:00", CultureInfo.InvariantCulture), winter.Open);
        Assert.Equal(DateTimeOffset.Parse("2025-01-10T16:00:00-05:00", CultureInfo.InvariantCulture), winter.Close);
        Assert.Equal(DateTimeOffset.Parse("2025-01-10T20:00:00-05:00", CultureInfo.InvariantCulture), winter.AfterHoursEnd);
        Assert.False(winter.IsEarlyClose);

        var summer = Nyse.Session(D("2025-07-03"));
        Assert.Equal(DateTimeOffset.Parse("2025-07-03T08:00:00Z", CultureInfo.InvariantCulture), summer.PreMarketStart);
        Assert.Equal(DateTimeOffset.Parse("2025-07-03T17:00:00Z", CultureInfo.InvariantCulture), summer.Close);
        Assert.Equal(DateTimeOffset.Parse("2025-07-03T21:00:00Z", CultureInfo.InvariantCulture), summer.AfterHoursEnd);
        Assert.Equal(TimeSpan.FromHours(-4), summer.Close.Offset);
        Assert.True(summer.IsEarlyClose);
    }

    [Fact]
    public void Sessions_around_the_DST_changes_move_in_UTC()
    {
        // 2024-03-10 (Sunday) starts DST: Friday before opens 14:30Z, Monday after 13:30Z.
        Assert.Equal(new DateTimeOffset(2024, 3, 8, 14, 30, 0, TimeSpan.Zero), Nyse.Session(D("2024-03-08")).Open);
        Assert.Equal(new DateTimeOffset(2024, 3, 11, 13, 30, 0, TimeSpan.Zero), Nyse.Session(D("2024-03-11")).Open);
        // 2024-11-03 (Sunday) ends DST.
        Assert.Equal(new DateTimeOffset(2024, 11, 1, 13, 30, 0, TimeSpan.Zero), Nyse.Session(D("2024-11-01")).Open);
        Assert.Equal(new DateTimeOffset(2024, 11, 4, 14, 30, 0, TimeSpan.Zero), Nyse.Session(D("2024-11-04")).Open);
    }

    [Fact]
    public void Session_of_a_closed_day_says_why()
    {
        var holiday = Assert.Throws<ArgumentException>(() => Nyse.Session(D("2024-12-25")));
        Assert.StartsWith("2024-12-25 is not a trading day (Christmas Day)", holiday.Message, StringComparison.Ordinal);
        var weekend = Assert.Throws<ArgumentException>(() => Nyse.Session(D("2024-12-28")));
        Assert.StartsWith("2024-12-28 is not a trading day (Saturday)", weekend.Message, StringComparison.Ordinal);
    }

    [Theory]
    // instant, expected fire time, expected target date
    [InlineData("2024-11-29T12:00:00-05:00", "2024-12-02T03:00:00-05:00", "2024-11-29")] // Friday after the early close → Monday
    [InlineData("2024-12-24T15:00:00-05:00", "2024-12-26T03:00:00-05:00", "2024-12-24")] // over Christmas
    [InlineData("2025-01-08T03:00:00-05:00", "2025-01-10T03:00:00-05:00", "2025-01-08")] // strictly after; skips the Carter closure
    [InlineData("2025-01-06T02:59:59-05:00", "2025-01-06T03:00:00-05:00", "2025-01-03")] // Monday maintains Friday
    [InlineData("2024-03-09T17:00:00Z", "2024-03-11T03:00:00-04:00", "2024-03-08")] // over the DST start
    [InlineData("2024-11-02T17:00:00Z", "2024-11-04T03:00:00-05:00", "2024-11-01")] // over the DST end
    [InlineData("2026-12-31T22:00:00-05:00", "2027-01-04T03:00:00-05:00", "2026-12-31")] // New Year's Day on Friday
    [InlineData("2025-01-02T07:30:00Z", "2025-01-02T03:00:00-05:00", "2024-12-31")] // 02:30 ET on the day itself
    public void Next_maintenance_is_03_00_New_York_on_the_next_trading_day(string instant, string fireAt, string target)
    {
        var next = Nyse.NextMaintenanceAfter(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture));
        var expected = DateTimeOffset.Parse(fireAt, CultureInfo.InvariantCulture);
        Assert.Equal(expected, next.FireAt);
        Assert.Equal(expected.Offset, next.FireAt.Offset);
        Assert.Equal(D(target), next.TargetDate);
    }

    [Fact]
    public void Latest_maintenance_at_or_before_an_instant_is_the_one_to_catch_up()
    {
        var missed = Nyse.LatestMaintenanceAtOrBefore(DateTimeOffset.Parse("2025-01-09T12:00:00-05:00", CultureInfo.InvariantCulture));
        Assert.Equal(new MaintenanceTime(DateTimeOffset.Parse("2025-01-08T03:00:00-05:00", CultureInfo.InvariantCulture), D("2025-01-07")), missed);
        var exact = Nyse.LatestMaintenanceAtOrBefore(DateTimeOffset.Parse("2025-01-10T08:00:00Z", CultureInfo.InvariantCulture));
        Assert.Equal(D("2025-01-08"), exact.TargetDate);
    }

    [Fact]
    public void Extra_closures_and_early_closes_from_configuration_extend_the_rules()
    {
        var calendar = new TradingCalendar(
            [new MarketClosure(D("2026-03-02"), "Exchange outage"), new MarketClosure(D("2025-01-09"), "Duplicate of a known closure")],
            [new MarketEarlyClose(D("2026-03-03"), new TimeOnly(12, 0), "Memorial service")]);
        Assert.False(calendar.IsTradingDay(D("2026-03-02")));
        Assert.True(Nyse.IsTradingDay(D("2026-03-02")));
        Assert.Equal("National Day of Mourning for President Jimmy Carter", calendar.ExceptionName(D("2025-01-09")));
        Assert.Equal(
            [new CalendarEntry(D("2026-03-02"), "holiday", "Exchange outage"), new CalendarEntry(D("2026-03-03"), "early_close", "Memorial service")],
            calendar.Exceptions(D("2026-03-01"), D("2026-03-31")));
        var session = calendar.Session(D("2026-03-03"));
        Assert.Equal(DateTimeOffset.Parse("2026-03-03T12:00:00-05:00", CultureInfo.InvariantCulture), session.Close);
        Assert.Equal(DateTimeOffset.Parse("2026-03-03T16:00:00-05:00", CultureInfo.InvariantCulture), session.AfterHoursEnd);
        Assert.Equal(D("2026-02-27"), calendar.PreviousTradingDay(D("2026-03-03")));
    }

    [Fact]
    public void Bad_configured_entries_are_rejected_with_the_reason()
    {
        var weekend = Assert.Throws<ArgumentException>(() => new TradingCalendar([new MarketClosure(D("2026-03-07"), "Saturday")]));
        Assert.Contains("2026-03-07 is a Saturday", weekend.Message, StringComparison.Ordinal);
        var outside = Assert.Throws<ArgumentException>(() => new TradingCalendar([new MarketClosure(D("2101-03-07"), "Far")]));
        Assert.Contains("outside the calendar's range", outside.Message, StringComparison.Ordinal);
        var unnamed = Assert.Throws<ArgumentException>(() => new TradingCalendar([new MarketClosure(D("2026-03-06"), " ")]));
        Assert.Contains("has no name", unnamed.Message, StringComparison.Ordinal);
        var lateClose = Assert.Throws<ArgumentException>(() => new TradingCalendar([], [new MarketEarlyClose(D("2026-03-06"), new TimeOnly(16, 30), "Late")]));
        Assert.Contains("not between the open", lateClose.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_outside_1990_2100_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Nyse.IsTradingDay(D("1989-12-29")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Nyse.NextTradingDay(D("2100-12-31")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Nyse.PreviousTradingDay(D("1990-01-02")));
        Assert.Throws<ArgumentException>(() => Nyse.Exceptions(D("2025-12-31"), D("2025-01-01")));
        Assert.True(Nyse.IsTradingDay(D("2100-12-31")));
    }

    [Fact]
    public void New_York_offset_is_constant_from_04_00_to_20_00_on_every_day()
    {
        // VolumeSlots relies on this: DST changes at 02:00, outside the extended session.
        for (var day = new DateOnly(2020, 1, 1); day <= new DateOnly(2030, 12, 31); day = day.AddDays(1))
        {
            var early = TradingCalendar.NewYork.GetUtcOffset(day.ToDateTime(new TimeOnly(4, 0)));
            var late = TradingCalendar.NewYork.GetUtcOffset(day.ToDateTime(new TimeOnly(20, 0)));
            Assert.Equal(early, late);
        }
    }
}
