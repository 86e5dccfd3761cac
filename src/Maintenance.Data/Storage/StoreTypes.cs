using Maintenance.Core;

namespace Maintenance.Data.Storage;

/// <summary>One ticker's volume slots of one trading day (the slots that hold at least one bar, in slot order).</summary>
public sealed record TickerVolumeSlots(string Symbol, DateOnly Date, VolumeSlot[] Slots);

/// <summary>One day's volume slots counted against the day's daily bars (<see cref="IMarketStore.VolumeSlotCoverageAsync"/>).</summary>
/// <param name="Rows">Slot rows of the day.</param>
/// <param name="Tickers">Symbols with slot rows.</param>
/// <param name="Traded">Symbols whose daily bar of the day has volume.</param>
/// <param name="Covered">Of those, the symbols with slot rows.</param>
public sealed record VolumeSlotCoverage(long Rows, long Tickers, long Traded, long Covered);

/// <summary>One day's daily bars counted against the active tickers (<see cref="IMarketStore.DailyBarCoverageAsync"/>).</summary>
/// <param name="Bars">Daily bars of the day (one per symbol).</param>
/// <param name="Active">Active tickers.</param>
/// <param name="Covered">Of those, the tickers with a bar that day.</param>
public sealed record DailyBarCoverage(long Bars, long Active, long Covered);

/// <summary>One symbol's daily bars over a window, oldest first.</summary>
public sealed record DailyBarHistory(string Symbol, IReadOnlyList<DailyBar> Bars);

/// <summary>One symbol's dates, highs, lows and closes over a window, oldest first: what an ATR reads of its bars.</summary>
public sealed record DailyPriceHistory(string Symbol, DateOnly[] Dates, double[] High, double[] Low, double[] Close);

/// <summary>One symbol's volume slots over a set of days, oldest day first; days without rows are absent.</summary>
public sealed record VolumeSlotHistory(string Symbol, IReadOnlyList<TickerVolumeSlots> Days);

/// <summary>One ticker's ATR at a day's close, for the period and method named by the call that reads or writes it.</summary>
public readonly record struct AtrValue(string Symbol, double Atr, double AtrPercent);

/// <summary>How many rows (and distinct symbols) a table holds for one trading day.</summary>
public readonly record struct DayCount(DateOnly Date, long Rows, int Symbols);
