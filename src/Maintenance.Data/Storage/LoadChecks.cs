using Maintenance.Core;

namespace Maintenance.Data.Storage;

/// <summary>The checks every bulk load makes on each row before it reaches the database, with errors that name the row.</summary>
internal static class LoadChecks
{
    public static string Symbol(string? symbol, string table, long row)
    {
        if (string.IsNullOrWhiteSpace(symbol))
        {
            throw new InvalidDataException($"Row {row} of the {table} load has no symbol.");
        }

        return symbol;
    }

    /// <exception cref="InvalidDataException">The symbol belongs to another shard: writing it would step on that shard's rows.</exception>
    public static string InShard(string symbol, Maintenance.Core.SymbolShard shard, string table) =>
        shard.Contains(symbol) ? symbol : throw new InvalidDataException($"The {table} load of shard {shard} holds {symbol}, a symbol of shard {Maintenance.Core.SymbolShard.Of(symbol, shard.Count) + 1}; nothing was written.");

    public static void SameDay(DateOnly day, DateOnly rowDay, string symbol, string table)
    {
        if (rowDay != day)
        {
            throw new InvalidDataException(
                $"The {table} load for {day:yyyy-MM-dd} holds {symbol} of {rowDay:yyyy-MM-dd}; a replace load holds one day only.");
        }
    }

    /// <summary>The bars, refusing one of a day outside <paramref name="days"/> as it passes.</summary>
    public static async IAsyncEnumerable<DailyBar> OnDays(IAsyncEnumerable<DailyBar> bars, IReadOnlySet<DateOnly> days, string table)
    {
        await foreach (var bar in bars)
        {
            OnDays(days, bar, table);
            yield return bar;
        }
    }

    public static void OnDays(IReadOnlySet<DateOnly> days, in DailyBar bar, string table)
    {
        if (!days.Contains(bar.Date))
        {
            throw new InvalidDataException($"The {table} load of {days.Count} days holds {bar.Symbol} of {bar.Date:yyyy-MM-dd}, not one of them.");
        }
    }

    public static short Slot(int slot, string symbol, DateOnly day)
    {
        if (slot is < 0 or > 191)
        {
            throw new InvalidDataException($"Volume slot {slot} of {symbol} on {day:yyyy-MM-dd} is outside 0-191.");
        }

        return (short)slot;
    }

    public static string Method(string method)
    {
        if (string.IsNullOrWhiteSpace(method))
        {
            throw new ArgumentException("An ATR method name is required (e.g. wilder).", nameof(method));
        }

        return method;
    }

    public static int Period(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        return period;
    }

    public static void Window(DateOnly firstDay, DateOnly lastDay)
    {
        if (lastDay < firstDay)
        {
            throw new ArgumentException($"The window ends ({lastDay:yyyy-MM-dd}) before it starts ({firstDay:yyyy-MM-dd}).", nameof(lastDay));
        }
    }
}
