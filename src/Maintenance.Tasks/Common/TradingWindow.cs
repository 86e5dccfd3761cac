namespace Maintenance.Tasks.Common;

/// <summary>The trading days a task reads or keeps present: the lookback window ending at the target date.</summary>
public static class TradingWindow
{
    /// <summary>The <paramref name="days"/> trading days ending at <paramref name="target"/> (included), oldest first.</summary>
    public static IReadOnlyList<DateOnly> EndingAt(TradingCalendar calendar, DateOnly target, int days)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var first = calendar.AddTradingDays(target, -(days - 1));
        return [.. calendar.TradingDays(first, target)];
    }

    /// <summary>Throws the step's input error when <paramref name="target"/> is not a trading day: no source has data for it.</summary>
    public static void RequireTradingDay(TradingCalendar calendar, DateOnly target)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (!calendar.IsTradingDay(target))
        {
            var why = calendar.ExceptionName(target) ?? target.DayOfWeek.ToString();
            throw new StepInputException($"{target:yyyy-MM-dd} is not a NYSE trading day ({why}); there is no market data to maintain for it.");
        }
    }
}
