using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.LoadVolumeSlots;

/// <summary>What loading one day of volume slots did.</summary>
/// <param name="Rejected">Minute bars that failed validation, per reason.</param>
/// <param name="Problem">Why nothing was written (no file, or no usable minute bar); null when the day was stored.</param>
/// <param name="Missing">The source has no minute data for the day at all (then <paramref name="Problem"/> is its message).</param>
public sealed record VolumeSlotsDay(
    DateOnly Date,
    long Rows,
    long Tickers,
    long MinuteBars,
    long MinuteBarsOutsideSession,
    IReadOnlyDictionary<string, long> SkippedRows,
    IReadOnlyDictionary<string, long> Rejected,
    string? Problem,
    MarketDataMissingException? Missing = null);

/// <summary>
/// Streams trading days of the whole market's minute bars from the source, one ticker at a time, into their 192
/// five-minute slots and replaces each day's <c>volume_slots</c> rows in one transaction per day. Reading and writing
/// run side by side: one task parses the files (the next day's while the previous day's key is built), the caller's
/// writes the rows by COPY, so on two cores the parse and the database work overlap.
/// </summary>
public sealed class VolumeSlotsLoader(IMarketDataSource source, IMarketStore store, ILogger<VolumeSlotsLoader> logger)
{
    // About a whole day of the full market's tickers (~30 MB of slots), so the parse is never held up by a day's key build.
    private const int TickersAhead = 16_384;

    /// <summary>Loads one day; see <see cref="LoadDaysAsync"/>.</summary>
    /// <exception cref="MarketDataMissingException">The source has no minute data for the day.</exception>
    public async Task<VolumeSlotsDay> LoadDayAsync(DateOnly day, CancellationToken ct)
    {
        await foreach (var loaded in LoadDaysAsync([day], ct))
        {
            if (loaded.Missing is { } missing)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(missing);
            }

            return loaded;
        }

        throw new InvalidOperationException($"No result for {day.Iso()}.");
    }

    /// <summary>
    /// Loads <paramref name="days"/> in order and yields each one's result once it is committed (or known unusable);
    /// a day the source lacks is yielded with <see cref="VolumeSlotsDay.Missing"/>, and the next day is loaded.
    /// Stopping the enumeration early stops the reading too.
    /// </summary>
    public async IAsyncEnumerable<VolumeSlotsDay> LoadDaysAsync(IReadOnlyList<DateOnly> days, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(days);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var feeds = Channel.CreateBounded<DayFeed>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadDaysAsync(days, feeds.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var feed in feeds.Reader.ReadAllAsync(stop.Token))
            {
                yield return await StoreDayAsync(feed, stop.Token);
            }
        }
        finally
        {
            // A failed write, or a caller that stops early, must not leave the reader waiting to hand over its next day.
            await stop.CancelAsync();
            await reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        await reading;
    }

    private async Task<VolumeSlotsDay> StoreDayAsync(DayFeed feed, CancellationToken ct)
    {
        // Look before writing: an empty or unusable file must not replace a stored day with nothing.
        if (!await feed.Tickers.Reader.WaitToReadAsync(ct))
        {
            if (feed.Failure is MarketDataMissingException missing)
            {
                logger.LogWarning("Day {Day} is not available from the source: {Reason}", feed.Day.Iso(), missing.Message);
                return new VolumeSlotsDay(feed.Day, 0, 0, 0, 0, new Dictionary<string, long>(), new Dictionary<string, long>(), missing.Message, missing);
            }

            feed.ThrowIfFailed();
            return feed.Unusable();
        }

        var rows = await store.ReplaceVolumeSlotsAsync(feed.Day, TickersOf(feed, ct), ct);
        if (feed.Skipped.Count > 0)
        {
            logger.LogWarning("Minute bars of {Day}: {Skipped} unreadable rows {@SkippedRows}; first: {FirstSkipped}", feed.Day.Iso(), feed.Skipped.Count, feed.Skipped.CountByKind(), feed.Skipped.Details[0].ToString());
        }

        return feed.Stored(rows);
    }

    /// <summary>The day's tickers for the COPY; a file that breaks off fails the COPY before it commits.</summary>
    private static async IAsyncEnumerable<TickerVolumeSlots> TickersOf(DayFeed feed, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var ticker in feed.Tickers.Reader.ReadAllAsync(ct))
        {
            yield return ticker;
        }

        feed.ThrowIfFailed();
    }

    /// <summary>The reading side: each day's tickers as slot rows into its own channel, one day after another.</summary>
    private async Task ReadDaysAsync(IReadOnlyList<DateOnly> days, ChannelWriter<DayFeed> feeds, CancellationToken ct)
    {
        try
        {
            foreach (var day in days)
            {
                var feed = new DayFeed(day);
                await feeds.WriteAsync(feed, ct);
                if (!await FillAsync(feed, ct))
                {
                    break;
                }
            }
        }
        finally
        {
            feeds.TryComplete();
        }
    }

    /// <summary>Reads one day into its feed; false when the reading must stop (an error other than a missing day).</summary>
    private async Task<bool> FillAsync(DayFeed feed, CancellationToken ct)
    {
        try
        {
            await foreach (var ticker in Slots(source.ReadMinuteBarsAsync(feed.Day, feed.Skipped, ct), feed, ct))
            {
                await feed.Tickers.Writer.WriteAsync(ticker, ct);
            }

            return true;
        }
        catch (Exception e)
        {
            // Handed to the writer through the feed, not the channel, which would wrap it.
            feed.Failure = e;
            return e is MarketDataMissingException;
        }
        finally
        {
            feed.Tickers.Writer.TryComplete();
        }
    }

    /// <summary>Each ticker's day as its slot rows; tickers whose bars all fall outside the session yield nothing.</summary>
    private static async IAsyncEnumerable<TickerVolumeSlots> Slots(IAsyncEnumerable<TickerMinuteBars> days, DayFeed counts, [EnumeratorCancellation] CancellationToken ct)
    {
        // One buffer for the kept bars of every ticker: a day's bars are not copied into an array per ticker again.
        var kept = Array.Empty<MinuteBar>();
        await foreach (var ticker in days.WithCancellation(ct))
        {
            counts.MinuteBars += ticker.Bars.Length;
            if (kept.Length < ticker.Bars.Length)
            {
                kept = new MinuteBar[Math.Max(ticker.Bars.Length, kept.Length * 2)];
            }

            var keptCount = BarValidation.Minutes(ticker.Bars, ticker.Date, kept, counts.Rejected);
            var slots = VolumeSlots.Rows(ticker.Date, kept.AsSpan(0, keptCount), out var inSession);
            counts.OutsideSession += keptCount - inSession;
            if (slots.Length == 0)
            {
                continue;
            }

            counts.TickerCount++;
            yield return new TickerVolumeSlots(ticker.Symbol, ticker.Date, slots);
        }
    }

    /// <summary>One day on its way from the reader to the writer; its counts are complete once its tickers are.</summary>
    private sealed class DayFeed(DateOnly day)
    {
        public DateOnly Day { get; } = day;
        public Channel<TickerVolumeSlots> Tickers { get; } = Channel.CreateBounded<TickerVolumeSlots>(
            new BoundedChannelOptions(TickersAhead) { SingleReader = true, SingleWriter = true });
        public SkippedRows Skipped { get; } = new();
        public long MinuteBars { get; set; }
        public long OutsideSession { get; set; }
        public long TickerCount { get; set; }
        /// <summary>Minute bars that failed validation, indexed by <see cref="BarRejection"/>.</summary>
        public int[] Rejected { get; } = new int[BarValidation.ReasonCount];

        /// <summary>Why reading the day stopped, set before its channel completes.</summary>
        public Exception? Failure { get; set; }

        public void ThrowIfFailed()
        {
            if (Failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(Failure);
            }
        }

        public VolumeSlotsDay Stored(long rows) =>
            new(Day, rows, TickerCount, MinuteBars, OutsideSession, Skipped.CountByKind(), RejectedNonZero, null);

        public VolumeSlotsDay Unusable()
        {
            var problem = Skipped.Count == 0
                ? $"the source has no minute bars for {Day:yyyy-MM-dd} inside 04:00-20:00 New York (empty file or answer, {MinuteBars} bars outside)"
                : $"none of the minute bar rows of {Day:yyyy-MM-dd} is usable ({Skipped.Count} unreadable; first: {Skipped.Details[0]})";
            return new VolumeSlotsDay(Day, 0, 0, MinuteBars, OutsideSession, Skipped.CountByKind(), RejectedNonZero, problem);
        }

        private Dictionary<string, long> RejectedNonZero => Enum.GetValues<BarRejection>()
            .Where(reason => Rejected[(int)reason] > 0)
            .ToDictionary(BarValidation.MetricName, reason => (long)Rejected[(int)reason], StringComparer.Ordinal);
    }
}
