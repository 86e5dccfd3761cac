using System.Runtime.CompilerServices;
using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Logging;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.LoadVolumeSlots;

/// <summary>What loading one day of volume slots did.</summary>
/// <param name="Rejected">Minute bars that failed validation, per reason.</param>
/// <param name="Problem">Why nothing was written (the day had no usable minute bar); null when the day was stored.</param>
public sealed record VolumeSlotsDay(
    DateOnly Date,
    long Rows,
    long Tickers,
    long MinuteBars,
    long MinuteBarsOutsideSession,
    IReadOnlyDictionary<string, long> SkippedRows,
    IReadOnlyDictionary<string, long> Rejected,
    string? Problem);

/// <summary>
/// Streams one trading day of the whole market's minute bars from the source, one ticker at a time, into its 192
/// five-minute slots and replaces that day's <c>volume_slots</c> rows in one transaction.
/// </summary>
public sealed class VolumeSlotsLoader(IMarketDataSource source, IMarketStore store, ILogger<VolumeSlotsLoader> logger)
{
    /// <exception cref="MarketDataMissingException">The source has no minute data for the day.</exception>
    public async Task<VolumeSlotsDay> LoadDayAsync(DateOnly day, CancellationToken ct)
    {
        var skipped = new SkippedRows();
        var counts = new Counts();
        await using var tickers = Slots(source.ReadMinuteBarsAsync(day, skipped, ct), counts, ct).GetAsyncEnumerator(ct);

        // Look before writing: an empty or unusable file must not replace a stored day with nothing.
        if (!await tickers.MoveNextAsync())
        {
            var problem = skipped.Count == 0
                ? $"the source has no minute bars for {day:yyyy-MM-dd} inside 04:00-20:00 New York (empty file or answer, {counts.MinuteBars} bars outside)"
                : $"none of the minute bar rows of {day:yyyy-MM-dd} is usable ({skipped.Count} unreadable; first: {skipped.Details[0]})";
            return new VolumeSlotsDay(day, 0, 0, counts.MinuteBars, counts.OutsideSession, skipped.CountByKind(), counts.RejectedNonZero, problem);
        }

        var rows = await store.ReplaceVolumeSlotsAsync(day, Prepend(tickers.Current, tickers, ct), ct);
        if (skipped.Count > 0)
        {
            logger.LogWarning("Minute bars of {Day}: {Skipped} unreadable rows {@SkippedRows}; first: {FirstSkipped}", day.Iso(), skipped.Count, skipped.CountByKind(), skipped.Details[0].ToString());
        }

        return new VolumeSlotsDay(day, rows, counts.Tickers, counts.MinuteBars, counts.OutsideSession, skipped.CountByKind(), counts.RejectedNonZero, null);
    }

    /// <summary>Each ticker's day as its slot rows; tickers whose bars all fall outside the session yield nothing.</summary>
    private static async IAsyncEnumerable<TickerVolumeSlots> Slots(IAsyncEnumerable<TickerMinuteBars> days, Counts counts, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var ticker in days.WithCancellation(ct))
        {
            counts.MinuteBars += ticker.Bars.Length;
            var validated = BarValidation.Minutes(ticker.Bars, ticker.Date);
            foreach (var (reason, count) in validated.RejectedByName)
            {
                counts.Rejected[reason] = counts.Rejected.GetValueOrDefault(reason) + count;
            }

            var slots = VolumeSlots.Aggregate(ticker with { Bars = validated.Kept });
            var dayStart = VolumeSlots.DayStartUtc(ticker.Date);
            counts.OutsideSession += validated.Kept.Count(bar => VolumeSlots.SlotOf(dayStart, bar.StartUtc) < 0);
            if (slots.Length == 0)
            {
                continue;
            }

            counts.Tickers++;
            yield return new TickerVolumeSlots(ticker.Symbol, ticker.Date, slots);
        }
    }

    private static async IAsyncEnumerable<TickerVolumeSlots> Prepend(TickerVolumeSlots first, IAsyncEnumerator<TickerVolumeSlots> rest, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return first;
        while (await rest.MoveNextAsync())
        {
            ct.ThrowIfCancellationRequested();
            yield return rest.Current;
        }
    }

    private sealed class Counts
    {
        public long MinuteBars { get; set; }
        public long OutsideSession { get; set; }
        public long Tickers { get; set; }
        public Dictionary<string, long> Rejected { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> RejectedNonZero => Rejected.Where(r => r.Value > 0).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }
}
