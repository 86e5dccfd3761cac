using System.Diagnostics;
using System.Globalization;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Spectre.Console;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// The bench's market: sample flat files with daily bars for the whole window and minute bars for its last days only,
/// in a folder named by universe size, window, minute days and seed, so a later bench of the same shape reuses them.
/// </summary>
public sealed class BenchSampleData
{
    private BenchSampleData(FlatFileLayout layout, IReadOnlyList<DateOnly> window, IReadOnlyList<DateOnly> minuteDays)
    {
        Layout = layout;
        Window = window;
        MinuteDays = minuteDays;
    }

    public FlatFileLayout Layout { get; }

    /// <summary>The trading days with daily bars, oldest first; the last one is the target day.</summary>
    public IReadOnlyList<DateOnly> Window { get; }

    /// <summary>The trading days with minute bars, oldest first: the last days of <see cref="Window"/>.</summary>
    public IReadOnlyList<DateOnly> MinuteDays { get; }

    public DateOnly TargetDay => Window[^1];

    public static string FolderName(int tickers, int days, int minuteDays, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"t{tickers}-d{days}-m{minuteDays}-s{seed}");

    /// <summary>The trading days ending at <paramref name="target"/>, oldest first.</summary>
    public static List<DateOnly> WindowEndingAt(TradingCalendar calendar, DateOnly target, int days)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var window = new List<DateOnly>(days) { target };
        while (window.Count < days)
        {
            window.Add(calendar.PreviousTradingDay(window[^1]));
        }

        window.Reverse();
        return window;
    }

    /// <summary>
    /// Writes the days whose files are missing. The generator writes a day's daily and minute files together, so for
    /// days before the minute window the minute file is written and then deleted: disk stays at a few days of minutes.
    /// </summary>
    /// <returns>The data and how many days were written.</returns>
    public static async Task<(BenchSampleData Data, int DaysWritten, TimeSpan Elapsed)> EnsureAsync(
        string root,
        DateOnly target,
        int tickers,
        int days,
        int minuteDays,
        int seed,
        CancellationToken cancellationToken)
    {
        var calendar = TradingCalendar.Nyse;
        var folder = Path.Combine(root, FolderName(tickers, days, minuteDays, seed));
        var layout = new FlatFileLayout(folder);
        var window = WindowEndingAt(calendar, target, days);
        var withMinutes = window.TakeLast(minuteDays).ToList();
        var started = Stopwatch.GetTimestamp();
        var written = 0;
        var progress = new Progress<SampleDayWritten>(d => AnsiConsole.MarkupLineInterpolated(
            CultureInfo.InvariantCulture,
            $"  wrote {d.Day:yyyy-MM-dd}: {d.Tickers:N0} daily bars, {d.MinuteBars:N0} minute bars in {d.Elapsed.TotalSeconds:F1}s"));

        foreach (var day in window)
        {
            var needsMinutes = withMinutes.Contains(day);
            var present = layout.FindDayAggregates(day) is not null && (!needsMinutes || layout.FindMinuteAggregates(day) is not null);
            if (!present)
            {
                await SampleMarket.WriteAsync(folder, day, day, tickers, seed, calendar, overwrite: false, progress, cancellationToken);
                written++;
                if (!needsMinutes && layout.FindMinuteAggregates(day) is { } minuteFile)
                {
                    File.Delete(minuteFile);
                }
            }
        }

        DeleteMinuteFilesExcept(layout, withMinutes);
        return (new BenchSampleData(layout, window, withMinutes), written, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Minute files of other days (earlier window days, other targets) are only disk: remove them.</summary>
    private static void DeleteMinuteFilesExcept(FlatFileLayout layout, List<DateOnly> keep)
    {
        var folder = Path.Combine(layout.Root, "us_stocks_sip", FlatFileLayout.MinuteAggregatesFolder);
        if (!Directory.Exists(folder))
        {
            return;
        }

        var kept = keep.Select(d => layout.FindMinuteAggregates(d)).OfType<string>().Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.csv*", SearchOption.AllDirectories).ToList())
        {
            if (!kept.Contains(Path.GetFullPath(file)))
            {
                File.Delete(file);
            }
        }
    }
}
