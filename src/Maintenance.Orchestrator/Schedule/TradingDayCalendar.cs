using Maintenance.Core;
using Quartz;

namespace Maintenance.Orchestrator.Schedule;

/// <summary>
/// A Quartz calendar that includes exactly the trading days of a <see cref="TradingCalendar"/> (days taken in New York
/// time), so the weekday cron never fires on a holiday. Held in the in-memory job store only: it is not serialisable.
/// </summary>
public sealed class TradingDayCalendar(TradingCalendar calendar) : ICalendar
{
    public string? Description { get; set; } = "NYSE trading days";

    public ICalendar? CalendarBase { get; set; }

    public bool IsTimeIncluded(DateTimeOffset timeUtc) =>
        calendar.IsTradingDay(TradingCalendar.NewYorkDate(timeUtc)) && (CalendarBase?.IsTimeIncluded(timeUtc) ?? true);

    /// <summary><paramref name="timeUtc"/> itself when included, else the start (New York midnight) of the next trading day.</summary>
    public DateTimeOffset GetNextIncludedTimeUtc(DateTimeOffset timeUtc)
    {
        var time = timeUtc;
        while (!IsTimeIncluded(time))
        {
            var nextDay = TradingCalendar.NewYorkDate(time).AddDays(1);
            time = TradingCalendar.AtNewYork(nextDay, TimeOnly.MinValue).ToUniversalTime();
        }

        return time;
    }

    public ICalendar Clone() => new TradingDayCalendar(calendar) { Description = Description, CalendarBase = CalendarBase?.Clone() };
}
