// Longer than 250 lines: every question the service asks of the NYSE calendar, over one precomputed set of exceptions.
namespace Maintenance.Core;

/// <summary>
/// The NYSE trading calendar from 1990 through 2100: weekends, the rule-based holidays with their weekend
/// observance, the one-off closures since 1990, and the early closes. Extra closures (a future day of mourning)
/// come from configuration through the constructor, without a rebuild.
/// </summary>
/// <remarks>Intraday disruptions (late opens, halts) are not modelled: a day is closed, early-closing or regular.</remarks>
public sealed class TradingCalendar
{
    public static readonly DateOnly FirstDate = new(1990, 1, 1);
    public static readonly DateOnly LastDate = new(2100, 12, 31);

    public static readonly TimeOnly PreMarketStartTime = new(4, 0);
    public static readonly TimeOnly OpenTime = new(9, 30);
    public static readonly TimeOnly CloseTime = new(16, 0);
    public static readonly TimeOnly MaintenanceFireTime = new(3, 0);

    // Extended hours end four hours after the close: 20:00 on a regular day, 17:00 after a 13:00 early close.
    private static readonly TimeSpan AfterHoursLength = TimeSpan.FromHours(4);

    /// <summary>America/New_York, the exchange's clock.</summary>
    public static TimeZoneInfo NewYork { get; } = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>The NYSE with its rules and the one-off closures known at build time.</summary>
    public static TradingCalendar Nyse { get; } = new([]);

    /// <summary>The one-off full-day closures since 1990 built into <see cref="Nyse"/>.</summary>
    public static IReadOnlyList<MarketClosure> BuiltInClosures => NyseRules.OneOffClosures;

    private enum DayKind : byte
    {
        Regular,
        EarlyClose,
        Holiday,
        Weekend,
    }

    private readonly DayKind[] _kinds;
    private readonly Dictionary<DateOnly, string> _names = [];
    private readonly Dictionary<DateOnly, TimeOnly> _earlyCloseTimes = [];

    /// <param name="extraClosures">Full-day closures beyond the rules and the built-in list, e.g. from configuration.</param>
    /// <param name="extraEarlyCloses">Early closes beyond the rules, e.g. from configuration.</param>
    /// <exception cref="ArgumentException">A date is outside 1990-2100 or on a weekend, or a time is not between the open and 16:00.</exception>
    public TradingCalendar(IEnumerable<MarketClosure> extraClosures, IEnumerable<MarketEarlyClose>? extraEarlyCloses = null)
    {
        ArgumentNullException.ThrowIfNull(extraClosures);
        _kinds = new DayKind[LastDate.DayNumber - FirstDate.DayNumber + 1];
        for (var i = 0; i < _kinds.Length; i++)
        {
            var day = FirstDate.AddDays(i).DayOfWeek;
            _kinds[i] = day is DayOfWeek.Saturday or DayOfWeek.Sunday ? DayKind.Weekend : DayKind.Regular;
        }

        for (var year = FirstDate.Year; year <= LastDate.Year; year++)
        {
            foreach (var (date, close, name) in NyseRules.EarlyCloses(year))
            {
                MarkEarlyClose(date, close, name);
            }

            foreach (var (date, name) in NyseRules.Holidays(year))
            {
                MarkHoliday(date, name);
            }
        }

        foreach (var (date, close, name) in NyseRules.OneOffEarlyCloses)
        {
            MarkEarlyClose(date, close, name);
        }

        foreach (var early in extraEarlyCloses ?? [])
        {
            RequireWeekdayInRange(early.Date, "early close");
            if (early.Close <= OpenTime || early.Close >= CloseTime)
            {
                throw new ArgumentException($"Early close on {early.Date:yyyy-MM-dd} at {early.Close:HH\\:mm} is not between the open (09:30) and 16:00.", nameof(extraEarlyCloses));
            }

            MarkEarlyClose(early.Date, early.Close, RequireName(early.Name, early.Date));
        }

        foreach (var closure in NyseRules.OneOffClosures.Concat(extraClosures))
        {
            RequireWeekdayInRange(closure.Date, "closure");
            MarkHoliday(closure.Date, RequireName(closure.Name, closure.Date));
        }
    }

    public bool IsTradingDay(DateOnly date) => KindOf(date) is DayKind.Regular or DayKind.EarlyClose;

    /// <summary>The last trading day strictly before <paramref name="date"/>.</summary>
    public DateOnly PreviousTradingDay(DateOnly date)
    {
        var day = date.AddDays(-1);
        while (!IsTradingDay(day))
        {
            day = day.AddDays(-1);
        }

        return day;
    }

    /// <summary>The first trading day strictly after <paramref name="date"/>.</summary>
    public DateOnly NextTradingDay(DateOnly date)
    {
        var day = date.AddDays(1);
        while (!IsTradingDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    /// <summary>
    /// The trading day <paramref name="count"/> trading days after (positive) or before (negative) <paramref name="date"/>;
    /// from a non-trading day, one step lands on the nearest trading day in that direction.
    /// </summary>
    public DateOnly AddTradingDays(DateOnly date, int count)
    {
        var day = date;
        for (var i = 0; i < Math.Abs(count); i++)
        {
            day = count > 0 ? NextTradingDay(day) : PreviousTradingDay(day);
        }

        return day;
    }

    /// <summary>The trading days from <paramref name="from"/> to <paramref name="to"/>, both inclusive, in order.</summary>
    public IEnumerable<DateOnly> TradingDays(DateOnly from, DateOnly to)
    {
        RequireRange(from, to);
        return EnumerateTradingDays(from, to);
    }

    private IEnumerable<DateOnly> EnumerateTradingDays(DateOnly from, DateOnly to)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (IsTradingDay(day))
            {
                yield return day;
            }
        }
    }

    /// <summary>
    /// The non-trading weekdays (<c>holiday</c>) and early closes (<c>early_close</c>) from <paramref name="from"/>
    /// to <paramref name="to"/>, both inclusive, in date order.
    /// </summary>
    public IEnumerable<CalendarEntry> Exceptions(DateOnly from, DateOnly to)
    {
        RequireRange(from, to);
        return EnumerateExceptions(from, to);
    }

    private IEnumerable<CalendarEntry> EnumerateExceptions(DateOnly from, DateOnly to)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var kind = KindOf(day);
            if (kind == DayKind.Holiday)
            {
                yield return new CalendarEntry(day, CalendarEntry.Holiday, _names[day]);
            }
            else if (kind == DayKind.EarlyClose)
            {
                yield return new CalendarEntry(day, CalendarEntry.EarlyClose, _names[day]);
            }
        }
    }

    /// <summary>Why the exchange is closed or closes early on <paramref name="date"/>; null on a regular day or a weekend.</summary>
    public string? ExceptionName(DateOnly date) => _names.GetValueOrDefault(date);

    /// <exception cref="ArgumentException"><paramref name="date"/> is not a trading day.</exception>
    public TradingSession Session(DateOnly date)
    {
        var kind = KindOf(date);
        if (kind is DayKind.Weekend or DayKind.Holiday)
        {
            var why = kind == DayKind.Weekend ? date.DayOfWeek.ToString() : _names[date];
            throw new ArgumentException($"{date:yyyy-MM-dd} is not a trading day ({why}).", nameof(date));
        }

        var isEarly = kind == DayKind.EarlyClose;
        var close = isEarly ? _earlyCloseTimes[date] : CloseTime;
        return new TradingSession(
            date,
            AtNewYork(date, PreMarketStartTime),
            AtNewYork(date, OpenTime),
            AtNewYork(date, close),
            AtNewYork(date, close.Add(AfterHoursLength)),
            isEarly);
    }

    /// <summary>
    /// The first maintenance strictly after <paramref name="instant"/>: 03:00 America/New_York on a trading day,
    /// maintaining the trading day before it.
    /// </summary>
    public MaintenanceTime NextMaintenanceAfter(DateTimeOffset instant)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, NewYork).DateTime);
        while (true)
        {
            if (IsTradingDay(day))
            {
                var fireAt = AtNewYork(day, MaintenanceFireTime);
                if (fireAt > instant)
                {
                    return new MaintenanceTime(fireAt, PreviousTradingDay(day));
                }
            }

            day = day.AddDays(1);
        }
    }

    /// <summary>
    /// The latest maintenance at or before <paramref name="instant"/> (the one a service that was down should catch up).
    /// </summary>
    public MaintenanceTime LatestMaintenanceAtOrBefore(DateTimeOffset instant)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, NewYork).DateTime);
        while (true)
        {
            if (IsTradingDay(day))
            {
                var fireAt = AtNewYork(day, MaintenanceFireTime);
                if (fireAt <= instant)
                {
                    return new MaintenanceTime(fireAt, PreviousTradingDay(day));
                }
            }

            day = day.AddDays(-1);
        }
    }

    /// <summary>The New York calendar date at <paramref name="instant"/>: the one way an instant becomes a day here.</summary>
    public static DateOnly NewYorkDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, NewYork).DateTime);

    /// <summary>A New York wall-clock time on <paramref name="date"/> as an instant with its New York offset.</summary>
    /// <remarks>A time in the spring-forward gap (02:00-03:00 on the DST start day) is taken at the standard offset.</remarks>
    public static DateTimeOffset AtNewYork(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        var offset = NewYork.IsInvalidTime(local) ? NewYork.BaseUtcOffset : NewYork.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private DayKind KindOf(DateOnly date)
    {
        RequireInRange(date);
        return _kinds[date.DayNumber - FirstDate.DayNumber];
    }

    private void MarkHoliday(DateOnly date, string name)
    {
        var index = date.DayNumber - FirstDate.DayNumber;
        if (_kinds[index] == DayKind.Holiday)
        {
            // A configured closure that repeats a known one keeps the known name.
            return;
        }

        _kinds[index] = DayKind.Holiday;
        _names[date] = name;
        _earlyCloseTimes.Remove(date);
    }

    private void MarkEarlyClose(DateOnly date, TimeOnly close, string name)
    {
        var index = date.DayNumber - FirstDate.DayNumber;
        if (_kinds[index] != DayKind.Regular)
        {
            return;
        }

        _kinds[index] = DayKind.EarlyClose;
        _names[date] = name;
        _earlyCloseTimes[date] = close;
    }

    private static void RequireWeekdayInRange(DateOnly date, string what)
    {
        if (date < FirstDate || date > LastDate)
        {
            throw new ArgumentException($"Configured {what} {date:yyyy-MM-dd} is outside the calendar's range {FirstDate:yyyy-MM-dd}..{LastDate:yyyy-MM-dd}.");
        }

        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            throw new ArgumentException($"Configured {what} {date:yyyy-MM-dd} is a {date.DayOfWeek}; the exchange is closed on weekends anyway.");
        }
    }

    private static string RequireName(string? name, DateOnly date) =>
        string.IsNullOrWhiteSpace(name)
            ? throw new ArgumentException($"Configured calendar entry {date:yyyy-MM-dd} has no name; give the reason for the closure.")
            : name;

    private static void RequireInRange(DateOnly date)
    {
        if (date < FirstDate || date > LastDate)
        {
            throw new ArgumentOutOfRangeException(nameof(date), date, $"The trading calendar covers {FirstDate:yyyy-MM-dd} to {LastDate:yyyy-MM-dd}.");
        }
    }

    private static void RequireRange(DateOnly from, DateOnly to)
    {
        RequireInRange(from);
        RequireInRange(to);
        if (from > to)
        {
            throw new ArgumentException($"The range starts ({from:yyyy-MM-dd}) after it ends ({to:yyyy-MM-dd}).", nameof(from));
        }
    }
}
