namespace Maintenance.Core;

/// <summary>
/// The NYSE's recurring holidays and early closes, year by year, as the exchange has applied them since 1990.
/// Source of the year ranges: the exchange's published holiday lists and its closings history
/// (as collected by pandas_market_calendars); see the tests for the years checked date by date.
/// </summary>
internal static class NyseRules
{
    public static readonly TimeOnly EarlyCloseTime = new(13, 0);

    // Before 1993 the scheduled early closes were at 14:00.
    private static readonly TimeOnly EarlyCloseTimeBefore1993 = new(14, 0);

    public static IEnumerable<(DateOnly Date, string Name)> Holidays(int year)
    {
        // NYSE Rule 7.2: a holiday on a Saturday is observed on the Friday before, one on a Sunday on the Monday after;
        // New Year's Day is the exception: its Friday would be the last day of the year's books, so it stays open.
        var newYear = new DateOnly(year, 1, 1);
        if (newYear.DayOfWeek == DayOfWeek.Sunday)
        {
            yield return (newYear.AddDays(1), "New Year's Day (observed)");
        }
        else if (newYear.DayOfWeek != DayOfWeek.Saturday)
        {
            yield return (newYear, "New Year's Day");
        }

        if (year >= 1998)
        {
            yield return (NthWeekday(year, 1, DayOfWeek.Monday, 3), "Martin Luther King Jr. Day");
        }

        yield return (NthWeekday(year, 2, DayOfWeek.Monday, 3), "Washington's Birthday");
        yield return (EasterSunday(year).AddDays(-2), "Good Friday");
        yield return (LastWeekday(year, 5, DayOfWeek.Monday), "Memorial Day");
        if (year >= 2022)
        {
            yield return Observed(new DateOnly(year, 6, 19), "Juneteenth National Independence Day");
        }

        yield return Observed(new DateOnly(year, 7, 4), "Independence Day");
        yield return (NthWeekday(year, 9, DayOfWeek.Monday, 1), "Labor Day");
        yield return (Thanksgiving(year), "Thanksgiving Day");
        yield return Observed(new DateOnly(year, 12, 25), "Christmas Day");
    }

    public static IEnumerable<(DateOnly Date, TimeOnly Close, string Name)> EarlyCloses(int year)
    {
        // Independence Day: the day before closes early when it is a Monday, Tuesday or Thursday (since 1995),
        // or a Wednesday (since 2013). From 1996 to 2012 a Thursday holiday made the Friday after the early close instead.
        // When July 4 falls on a weekend the observed holiday takes a weekday and there is no early close around it
        // (2020, 2021, 2026, 2027: the exchange published none).
        var july3 = new DateOnly(year, 7, 3);
        var julyThirdEarly = july3.DayOfWeek switch
        {
            DayOfWeek.Monday or DayOfWeek.Tuesday or DayOfWeek.Thursday => year >= 1995,
            DayOfWeek.Wednesday => year >= 2013,
            _ => false,
        };
        if (julyThirdEarly)
        {
            yield return (july3, EarlyCloseTime, "Day before Independence Day");
        }

        var july5 = new DateOnly(year, 7, 5);
        if (year is >= 1996 and <= 2012 && july5.DayOfWeek == DayOfWeek.Friday)
        {
            yield return (july5, EarlyCloseTime, "Day after Independence Day");
        }

        if (year >= 1992)
        {
            yield return (Thanksgiving(year).AddDays(1), CloseTime(year), "Day after Thanksgiving");
        }

        // Christmas Eve on a Friday is itself the observed Christmas holiday; on a weekend there is nothing to close.
        var christmasEve = new DateOnly(year, 12, 24);
        if (christmasEve.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Thursday)
        {
            yield return (christmasEve, CloseTime(year), "Christmas Eve");
        }
    }

    /// <summary>Early closes the exchange decided once, outside the rules.</summary>
    public static readonly IReadOnlyList<(DateOnly Date, TimeOnly Close, string Name)> OneOffEarlyCloses =
    [
        (new DateOnly(1997, 12, 26), EarlyCloseTime, "Day after Christmas"),
        (new DateOnly(2003, 12, 26), EarlyCloseTime, "Day after Christmas"),
    ];

    /// <summary>Full-day closures outside the rules since 1990 (national days of mourning, attacks, storms).</summary>
    public static readonly IReadOnlyList<MarketClosure> OneOffClosures =
    [
        new(new DateOnly(1994, 4, 27), "National Day of Mourning for President Richard Nixon"),
        new(new DateOnly(2001, 9, 11), "September 11 attacks"),
        new(new DateOnly(2001, 9, 12), "September 11 attacks"),
        new(new DateOnly(2001, 9, 13), "September 11 attacks"),
        new(new DateOnly(2001, 9, 14), "September 11 attacks"),
        new(new DateOnly(2004, 6, 11), "National Day of Mourning for President Ronald Reagan"),
        new(new DateOnly(2007, 1, 2), "National Day of Mourning for President Gerald Ford"),
        new(new DateOnly(2012, 10, 29), "Hurricane Sandy"),
        new(new DateOnly(2012, 10, 30), "Hurricane Sandy"),
        new(new DateOnly(2018, 12, 5), "National Day of Mourning for President George H. W. Bush"),
        new(new DateOnly(2025, 1, 9), "National Day of Mourning for President Jimmy Carter"),
    ];

    private static TimeOnly CloseTime(int year) => year >= 1993 ? EarlyCloseTime : EarlyCloseTimeBefore1993;

    private static (DateOnly, string) Observed(DateOnly date, string name) => date.DayOfWeek switch
    {
        DayOfWeek.Saturday => (date.AddDays(-1), name + " (observed)"),
        DayOfWeek.Sunday => (date.AddDays(1), name + " (observed)"),
        _ => (date, name),
    };

    private static DateOnly Thanksgiving(int year) => NthWeekday(year, 11, DayOfWeek.Thursday, 4);

    private static DateOnly NthWeekday(int year, int month, DayOfWeek day, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)day - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }

    private static DateOnly LastWeekday(int year, int month, DayOfWeek day)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        var back = ((int)last.DayOfWeek - (int)day + 7) % 7;
        return last.AddDays(-back);
    }

    /// <summary>Gregorian Easter Sunday (the anonymous algorithm published by Meeus).</summary>
    internal static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }
}
