using System.Globalization;

namespace Maintenance.Core;

/// <summary>
/// Which target dates a maintenance may start for, whoever asks (the API, the bus, the command line): a trading day
/// of the calendar whose data is complete, i.e. no later than the trading day before today in New York.
/// </summary>
public static class MaintenanceStartRules
{
    /// <summary>The latest day that can be maintained at <paramref name="now"/>: the trading day before today in New York.</summary>
    public static DateOnly LatestMaintainableDay(TradingCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.PreviousTradingDay(TradingCalendar.NewYorkDate(now));
    }

    /// <summary>
    /// Null when a maintenance of <paramref name="targetDate"/> may start at <paramref name="now"/>; otherwise why not,
    /// as a sentence that begins with the date (callers put their field name in front).
    /// </summary>
    public static string? Check(DateOnly targetDate, TradingCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (targetDate < TradingCalendar.FirstDate)
        {
            return $"{Iso(targetDate)} is before {Iso(TradingCalendar.FirstDate)}, the start of the trading calendar";
        }

        var latest = LatestMaintainableDay(calendar, now);
        if (targetDate > latest)
        {
            return $"{Iso(targetDate)} has no complete data yet: the latest day that can be maintained is {Iso(latest)}, the trading day before today in New York";
        }

        if (!calendar.IsTradingDay(targetDate))
        {
            var why = calendar.ExceptionName(targetDate) ?? targetDate.DayOfWeek.ToString();
            return $"{Iso(targetDate)} is not a trading day ({why})";
        }

        return null;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
