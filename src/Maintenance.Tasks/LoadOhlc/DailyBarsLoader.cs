using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Logging;

namespace Maintenance.Tasks.LoadOhlc;

/// <summary>What loading one day of daily bars did.</summary>
/// <param name="Stored">Bars written (the day now holds exactly these).</param>
/// <param name="SkippedRows">Rows the source could not parse, per reason kind.</param>
/// <param name="Rejected">Parsed bars that failed validation, per reason.</param>
/// <param name="Problem">Why nothing was written (the day had no usable bar); null when the day was stored.</param>
public sealed record DailyBarsDay(
    DateOnly Date,
    long Stored,
    IReadOnlyDictionary<string, long> SkippedRows,
    IReadOnlyDictionary<string, long> Rejected,
    string? Problem);

/// <summary>
/// Loads one trading day of the whole market's daily bars from the market-data source into <c>daily_bars</c>
/// (one transaction per day), dropping the bars that fail validation. Shared by LoadOhlc and RecoverMissingTickers.
/// </summary>
public sealed class DailyBarsLoader(IMarketDataSource source, IMarketStore store, ILogger<DailyBarsLoader> logger)
{
    /// <exception cref="MarketDataMissingException">The source has no file or answer for the day.</exception>
    public async Task<DailyBarsDay> LoadDayAsync(DateOnly day, CancellationToken ct)
    {
        var result = await source.GetDailyBarsAsync(day, ct);
        var validated = BarValidation.Daily(result.Bars, day);
        var rejected = validated.RejectedByName.Where(r => r.Value > 0).ToDictionary(r => r.Key, r => (long)r.Value, StringComparer.Ordinal);
        var kept = validated.Kept;

        var skippedRows = result.Skipped.CountByKind();
        if (kept.Length == 0)
        {
            // Never replace a stored day with nothing: an empty or broken file must not erase good history.
            var problem = result.Bars.Count == 0 && result.Skipped.Count == 0
                ? $"the source has no daily bars for {day:yyyy-MM-dd} (empty file or answer)"
                : $"none of the {result.Bars.Count + result.Skipped.Count} daily bar rows of {day:yyyy-MM-dd} is usable ({result.Skipped.Count} unreadable, {validated.RejectedTotal} rejected)";
            return new DailyBarsDay(day, 0, skippedRows, rejected, problem);
        }

        var stored = await store.ReplaceDailyBarsAsync(day, kept.ToAsyncEnumerable(), ct);
        if (result.Skipped.Count > 0 || rejected.Count > 0)
        {
            logger.LogWarning(
                "Daily bars of {Day}: {Stored} stored, {Skipped} unreadable rows {@SkippedRows}, {Rejected} rejected {@Rejected}; first unreadable: {FirstSkipped}",
                day.Iso(),
                stored,
                result.Skipped.Count,
                skippedRows,
                validated.RejectedTotal,
                rejected,
                result.Skipped.Details is [var first, ..] ? first.ToString() : "none");
        }

        return new DailyBarsDay(day, stored, skippedRows, rejected, null);
    }
}
