using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Tasks.CalculateAtr;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.LoadOhlc;

/// <summary>
/// Loads the target day's daily bars for the whole market and makes sure the ATR lookback window (Tasks:Atr:LookbackDays
/// trading days ending at the target date) is present, loading the days that are missing in one transaction.
/// Passes when the target day covers at least Tasks:LoadOhlc:MinCoverage of the active universe and the source had
/// every history day (up to Tasks:LoadOhlc:MaxMissingHistoryDays may lack). A second run with everything present and
/// covered skips; <c>Force</c> reloads the target day (history days already stored are kept).
/// </summary>
public sealed class LoadOhlcStep(
    DailyBarsLoader loader,
    IMarketStore store,
    TradingCalendar calendar,
    IOptions<LoadOhlcOptions> options,
    IOptions<AtrOptions> atrOptions,
    ILogger<LoadOhlcStep> logger)
    : WindowLoadStep(logger), IStepService
{
    private const string Window = "ATR window";

    public static MaintenanceStep Kind => MaintenanceStep.LoadOhlc;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<LoadOhlcOptions>(services, configuration, LoadOhlcOptions.Section, o => o.Problem());
        services.AddScoped<DailyBarsLoader>();
    }

    protected override WindowLoadSpec Spec => new(calendar, atrOptions.Value.LookbackDays, Window, store.DaysWithDailyBarsAsync, async (day, ct) => await CoverageAsync(day, ct));

    protected override async Task<StepResult> LoadAsync(RunMaintenanceStep command, WindowShare share, StepMetrics metrics, StepProgress progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var target = command.TargetDate;
        if (!share.OwnsTarget)
        {
            var (loaded, _) = await LoadHistoryAsync(share.MissingHistory, withTarget: null, metrics, progress, cancellationToken);
            return WindowLoad.HistoryShardResult(share, command, loaded, settings.MaxMissingHistoryDays, Window, metrics);
        }

        // The active universe the day is judged against is read from the database while the file is read here.
        var activeRead = store.ActiveSymbolsAsync(cancellationToken);
        var readStarted = Stopwatch.GetTimestamp();
        var reading = loader.ReadDayAsync(target, cancellationToken);
        await Task.WhenAll(reading, activeRead);
        var targetDay = await reading;
        AddSeconds(metrics, "read_seconds", readStarted);
        Count(metrics, targetDay);
        if (targetDay.Problem is not null)
        {
            return StepResult.Done(new StepValidation(false, targetDay.Problem), metrics);
        }

        // Judged before writing: a truncated file must not replace a complete stored day.
        var loadCoverage = Coverage.Of(targetDay.Bars.Select(b => b.Symbol).ToHashSet(StringComparer.Ordinal), await activeRead, settings.MinCoverage);
        if (loadCoverage.Problem is { } low)
        {
            loadCoverage.AddTo(metrics);
            return StepResult.Done(new StepValidation(false, $"{low}, the day was not stored"), metrics);
        }

        long storedBars;
        List<string> unavailable;
        if (!share.TargetPresent && share.MissingHistory.Count > 0)
        {
            // A first run: the target day goes into the history's transaction and COPY, none of them has rows yet.
            (unavailable, storedBars) = await LoadHistoryAsync(share.MissingHistory, targetDay, metrics, progress, cancellationToken);
        }
        else
        {
            var writeStarted = Stopwatch.GetTimestamp();
            storedBars = await loader.StoreAsync(targetDay, cancellationToken);
            AddSeconds(metrics, "write_seconds", writeStarted);
            (unavailable, _) = await LoadHistoryAsync(share.MissingHistory, withTarget: null, metrics, progress, cancellationToken);
        }

        // Validated by counts, not by reading the day back: the store wrote exactly the bars judged above.
        loadCoverage.AddTo(metrics);
        var problem = storedBars != targetDay.Bars.Count
            ? $"{storedBars} bars stored on {target:yyyy-MM-dd}, {targetDay.Bars.Count} expected"
            : WindowLoad.HistoryProblem(unavailable, settings.MaxMissingHistoryDays, Window);
        var verdict = problem
            ?? $"{storedBars} bars on {target:yyyy-MM-dd}, {loadCoverage.Description}; {share.MissingHistory.Count - unavailable.Count} history day(s) loaded, days {WindowLoad.Describe(share, command)} complete";
        return StepResult.Done(new StepValidation(problem is null, verdict), metrics);
    }

    /// <summary>
    /// The missing history days in one transaction and one COPY (none of them has rows to merge with), the files read
    /// on every core while the days already read are written.
    /// </summary>
    /// <param name="withTarget">The target day's usable bars to add in the same COPY (first), or null.</param>
    /// <returns>Why each history day that could not be loaded is missing, in date order; the target day's bars stored.</returns>
    private async Task<(List<string> Unavailable, long TargetBars)> LoadHistoryAsync(IReadOnlyList<DateOnly> days, DailyBarsDay? withTarget, StepMetrics metrics, StepProgress progress, CancellationToken ct)
    {
        var unavailable = new List<(DateOnly Day, string Reason)>();
        long targetBars = 0;
        if (days.Count > 0)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var read = Channel.CreateBounded<DailyBarsDay>(new BoundedChannelOptions(Readers) { SingleReader = true });
            var readTime = new TimeSpent();
            var waitTime = new TimeSpent();
            var reading = Task.Run(() => ReadAheadAsync(days, read.Writer, unavailable, readTime, stop.Token), stop.Token);
            var done = 0;
            long historyRows = 0;
            var lastRow = 0L;

            async IAsyncEnumerable<DailyBar> Bars()
            {
                foreach (var bar in withTarget?.Bars ?? ArraySegment<DailyBar>.Empty)
                {
                    yield return bar;
                }

                // The time the COPY waits for the readers shows whether reading or writing bounds the load.
                var waitStarted = Stopwatch.GetTimestamp();
                while (await read.Reader.WaitToReadAsync(stop.Token))
                {
                    waitTime.Add(waitStarted);
                    while (read.Reader.TryRead(out var day))
                    {
                        Count(metrics, day);
                        if (day.Problem is not null)
                        {
                            lock (unavailable)
                            {
                                unavailable.Add((day.Date, day.Problem));
                            }

                            continue;
                        }

                        metrics.Increment("history_days_loaded", 1);
                        metrics.Increment("history_rows", day.Bars.Count);
                        historyRows += day.Bars.Count;
                        foreach (var bar in day.Bars)
                        {
                            yield return bar;
                        }

                        progress.Report(++done, days.Count, "history days");
                    }

                    waitStarted = Stopwatch.GetTimestamp();
                }

                waitTime.Add(waitStarted);
                lastRow = Stopwatch.GetTimestamp();
            }

            try
            {
                var writeStarted = Stopwatch.GetTimestamp();
                var added = await store.AddDailyBarsDaysAsync(withTarget is null ? days : [.. days, withTarget.Date], Bars(), ct);
                targetBars = added - historyRows;
                AddSeconds(metrics, "write_seconds", writeStarted);
                // Ending the COPY, building the keys again (when dropped for it), ANALYZE and the commit.
                AddSeconds(metrics, "write_after_last_row_seconds", lastRow);
                metrics["write_waited_for_reads_seconds"] = waitTime.Seconds;
            }
            finally
            {
                // A failed COPY must not leave the readers waiting to hand over their next day.
                await stop.CancelAsync();
                await reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            await reading;
            metrics["read_seconds"] = Math.Round(metrics.GetValueOrDefault("read_seconds") + readTime.Seconds, 3);
        }

        metrics["history_days_unavailable"] = unavailable.Count;
        return ([.. unavailable.OrderBy(u => u.Day).Select(u => u.Reason)], targetBars);
    }

    /// <summary>Day files are read side by side: parsing them is most of a first run's work, the COPY the rest.</summary>
    private static int Readers => Environment.ProcessorCount;

    /// <param name="readTime">Adds up the time each reader spent reading its days.</param>
    private async Task ReadAheadAsync(IReadOnlyList<DateOnly> days, ChannelWriter<DailyBarsDay> read, List<(DateOnly Day, string Reason)> unavailable, TimeSpent readTime, CancellationToken ct)
    {
        try
        {
            await Parallel.ForEachAsync(days, new ParallelOptions { MaxDegreeOfParallelism = Readers, CancellationToken = ct }, async (day, token) =>
            {
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    var dayRead = await loader.ReadDayAsync(day, token);
                    readTime.Add(started);
                    await read.WriteAsync(dayRead, token);
                }
                catch (MarketDataMissingException e)
                {
                    logger.LogWarning("History day {Day} is not available from the source: {Reason}", day.Iso(), e.Message);
                    lock (unavailable)
                    {
                        unavailable.Add((day, e.Message));
                    }
                }
            });

            read.Complete();
        }
        catch (Exception e)
        {
            read.Complete(e);
            throw;
        }
    }

    /// <summary>Adds the seconds since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp) to a metric, in milliseconds' precision.</summary>
    private static void AddSeconds(StepMetrics metrics, string name, long started) =>
        metrics[name] = Math.Round(metrics.GetValueOrDefault(name) + Stopwatch.GetElapsedTime(started).TotalSeconds, 3);

    private static void Count(StepMetrics metrics, DailyBarsDay day)
    {
        metrics.AddCounts("skipped_rows", day.SkippedRows);
        metrics.AddCounts("rejected", day.Rejected);
    }

    /// <summary>The stored day's coverage, counted by the database.</summary>
    private async Task<Coverage> CoverageAsync(DateOnly day, CancellationToken ct)
    {
        var stored = await store.DailyBarCoverageAsync(day, ct);
        return new Coverage(stored.Bars, stored.Active, stored.Covered, options.Value.MinCoverage);
    }

    /// <summary>Time added up over several stretches, from several threads.</summary>
    private sealed class TimeSpent
    {
        private long _ticks;

        public double Seconds => Math.Round((double)Interlocked.Read(ref _ticks) / Stopwatch.Frequency, 3);

        /// <summary>Adds the time since <paramref name="started"/>, a <see cref="Stopwatch"/> timestamp.</summary>
        public void Add(long started) => Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
    }

    /// <summary>How much of the active universe has a bar on the day.</summary>
    private readonly record struct Coverage(long Bars, long Active, long Covered, double Minimum) : IStoredDayCheck
    {
        public double Ratio => Active == 0 ? 1 : (double)Covered / Active;

        /// <summary>The coverage a day with bars of <paramref name="withBars"/> would have once stored.</summary>
        public static Coverage Of(HashSet<string> withBars, IReadOnlySet<string> active, double minimum) =>
            new(withBars.Count, active.Count, active.Count(withBars.Contains), minimum);

        /// <summary>No active universe yet (a fresh install, before RecoverMissingTickers) counts as covered when the day has bars.</summary>
        public string? Problem => Bars > 0 && Ratio >= Minimum ? null : $"coverage too low: {Description}";

        public string Description => Active == 0
            ? $"{Bars} symbols, no active universe yet to measure coverage against"
            : string.Create(CultureInfo.InvariantCulture, $"{Covered}/{Active} active tickers covered ({Ratio:P1}, minimum {Minimum:P0})");

        public void AddTo(StepMetrics metrics)
        {
            metrics["rows"] = Bars;
            metrics["active_tickers"] = Active;
            metrics["covered_tickers"] = Covered;
            metrics["coverage"] = Math.Round(Ratio, 6);
        }
    }
}
