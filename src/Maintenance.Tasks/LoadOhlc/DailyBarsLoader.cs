using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.LoadOhlc;

/// <summary>One day of daily bars as read from the source and validated, before it is stored.</summary>
/// <param name="Bars">The bars that passed validation.</param>
/// <param name="SkippedRows">Rows the source could not parse, per reason kind.</param>
/// <param name="Rejected">Parsed bars that failed validation, per reason.</param>
/// <param name="Problem">Why the day cannot be stored (no usable bar); null when it can.</param>
public sealed record DailyBarsDay(
    DateOnly Date,
    ArraySegment<DailyBar> Bars,
    IReadOnlyDictionary<string, long> SkippedRows,
    IReadOnlyDictionary<string, long> Rejected,
    string? Problem);

/// <summary>
/// Reads one trading day of the whole market's daily bars from the market-data source, drops the bars that fail
/// validation, and replaces that day in <c>daily_bars</c> (one transaction per day). Shared by LoadOhlc and
/// RecoverMissingTickers.
/// </summary>
public sealed class DailyBarsLoader(IMarketDataSource source, IMarketStore store, ILogger<DailyBarsLoader> logger)
{
    /// <exception cref="MarketDataMissingException">The source has no file or answer for the day.</exception>
    public async Task<DailyBarsDay> ReadDayAsync(DateOnly day, CancellationToken ct)
    {
        var result = await source.GetDailyBarsAsync(day, ct);
        // In place when the source handed out its own array (the flat files do): a day is ~11,000 bars, and copying
        // them into new lists took a third of a first run's reading, each copy a large allocation that collects the heap.
        var bars = result.Bars is ArraySegment<DailyBar> own ? own : new ArraySegment<DailyBar>([.. result.Bars]);
        var counts = new int[BarValidation.ReasonCount];
        var kept = bars[..BarValidation.Daily(bars.AsSpan(), day, counts)];
        var rejected = Enum.GetValues<BarRejection>().Where(r => counts[(int)r] > 0)
            .ToDictionary(BarValidation.MetricName, r => (long)counts[(int)r], StringComparer.Ordinal);
        var rejectedTotal = counts.Sum();
        var skippedRows = result.Skipped.CountByKind();
        string? problem = null;
        if (kept.Count == 0)
        {
            problem = bars.Count == 0 && result.Skipped.Count == 0
                ? $"the source has no daily bars for {day.Iso()} (empty file or answer)"
                : $"none of the {bars.Count + result.Skipped.Count} daily bar rows of {day.Iso()} is usable ({result.Skipped.Count} unreadable, {rejectedTotal} rejected)";
        }

        if (result.Skipped.Count > 0 || rejected.Count > 0)
        {
            logger.LogWarning(
                "Daily bars of {Day}: {Kept} usable, {Skipped} unreadable rows {@SkippedRows}, {Rejected} rejected {@Rejected}; first unreadable: {FirstSkipped}",
                day.Iso(),
                kept.Count,
                result.Skipped.Count,
                skippedRows,
                rejectedTotal,
                rejected,
                result.Skipped.Details is [var first, ..] ? first.ToString() : "none");
        }

        return new DailyBarsDay(day, kept, skippedRows, rejected, problem);
    }

    /// <summary>Makes the day's stored bars exactly <paramref name="day"/>'s usable bars.</summary>
    /// <returns>The number of bars stored.</returns>
    public Task<long> StoreAsync(DailyBarsDay day, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(day);
        // Never replace a stored day with nothing: an empty or broken file must not erase good history.
        return day.Problem is not null
            ? throw new InvalidOperationException($"Daily bars of {day.Date.Iso()} cannot be stored: {day.Problem}")
            : store.ReplaceDailyBarsAsync(day.Date, day.Bars.ToAsyncEnumerable(), ct);
    }

    /// <summary>Reads and stores a day; a day without usable bars is not stored and says why.</summary>
    public async Task<DailyBarsDay> LoadDayAsync(DateOnly day, CancellationToken ct)
    {
        var read = await ReadDayAsync(day, ct);
        if (read.Problem is null)
        {
            await StoreAsync(read, ct);
        }

        return read;
    }
}
