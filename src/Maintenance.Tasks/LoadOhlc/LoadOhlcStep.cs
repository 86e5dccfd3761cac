using System.Globalization;
using System.Threading.Channels;
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Tasks.CalculateAtr;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    : IStepService
{
    public static MaintenanceStep Kind => MaintenanceStep.LoadOhlc;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<LoadOhlcOptions>(services, configuration, LoadOhlcOptions.Section, o => o.Problem());
        services.AddScoped<DailyBarsLoader>();
    }

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var target = command.TargetDate;
        TradingWindow.RequireTradingDay(calendar, target);
        var window = TradingWindow.EndingAt(calendar, target, atrOptions.Value.LookbackDays);
        var present = (await store.DaysWithDailyBarsAsync(window[0], target, cancellationToken)).ToHashSet();
        var missingHistory = window.Where(day => day != target && !present.Contains(day)).ToList();
        var metrics = new StepMetrics
        {
            ["window_days"] = window.Count,
            ["history_days_present"] = window.Count(day => day != target && present.Contains(day)),
        };

        if (present.Contains(target) && missingHistory.Count == 0 && !command.Force)
        {
            var stored = await CoverageAsync(target, cancellationToken);
            stored.AddTo(metrics);
            if (stored.Meets(settings.MinCoverage))
            {
                return StepResult.AlreadyDone($"{target:yyyy-MM-dd} already loaded: {stored.Describe(settings.MinCoverage)}; all {window.Count} window days present", metrics);
            }

            logger.LogWarning("{Day} is stored but its coverage is too low ({Coverage}); loading it again", target.Iso(), stored.Describe(settings.MinCoverage));
        }

        var targetDay = await loader.ReadDayAsync(target, cancellationToken);
        Count(metrics, targetDay);
        if (targetDay.Problem is not null)
        {
            return StepResult.Done(new StepValidation(false, targetDay.Problem), metrics);
        }

        // Judged before writing: a truncated file must not replace a complete stored day.
        var loadCoverage = await CoverageAsync(targetDay.Bars.Select(b => b.Symbol).ToHashSet(StringComparer.Ordinal), cancellationToken);
        if (!loadCoverage.Meets(settings.MinCoverage))
        {
            loadCoverage.AddTo(metrics);
            return StepResult.Done(new StepValidation(false, $"coverage too low, the day was not stored: {loadCoverage.Describe(settings.MinCoverage)}"), metrics);
        }

        var storedBars = await loader.StoreAsync(targetDay, cancellationToken);
        var unavailable = await LoadHistoryAsync(missingHistory, metrics, progress, cancellationToken);
        var coverage = await CoverageAsync(target, cancellationToken);
        coverage.AddTo(metrics);

        var problems = new List<string>();
        if (!coverage.Meets(settings.MinCoverage))
        {
            problems.Add($"coverage too low: {coverage.Describe(settings.MinCoverage)}");
        }

        if (unavailable.Count > settings.MaxMissingHistoryDays)
        {
            problems.Add($"{unavailable.Count} history day(s) of the {window.Count}-day ATR window unavailable (at most {settings.MaxMissingHistoryDays} allowed): {string.Join("; ", unavailable.Take(3))}");
        }

        var verdict = problems.Count == 0
            ? $"{storedBars} bars on {target:yyyy-MM-dd}, {coverage.Describe(settings.MinCoverage)}; {missingHistory.Count - unavailable.Count} history day(s) loaded, window of {window.Count} days complete"
            : string.Join("; ", problems);
        return StepResult.Done(new StepValidation(problems.Count == 0, verdict), metrics);
    }

    /// <summary>
    /// The missing history days in one transaction and one COPY (none of them has rows to merge with), the next day's
    /// file read while the previous day's rows are written.
    /// </summary>
    /// <returns>Why each history day that could not be loaded is missing.</returns>
    private async Task<List<string>> LoadHistoryAsync(List<DateOnly> days, StepMetrics metrics, StepProgress progress, CancellationToken ct)
    {
        var missing = new List<string>();
        var unusable = new List<string>();
        if (days.Count > 0)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var read = Channel.CreateBounded<DailyBarsDay>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            var reading = Task.Run(() => ReadAheadAsync(days, read.Writer, missing, stop.Token), stop.Token);
            var done = 0;

            async IAsyncEnumerable<DailyBar> Bars()
            {
                await foreach (var day in read.Reader.ReadAllAsync(stop.Token))
                {
                    Count(metrics, day);
                    if (day.Problem is not null)
                    {
                        unusable.Add(day.Problem);
                        continue;
                    }

                    metrics.Increment("history_days_loaded", 1);
                    metrics.Increment("history_rows", day.Bars.Length);
                    foreach (var bar in day.Bars)
                    {
                        yield return bar;
                    }

                    progress.Report(++done, days.Count, "history days");
                }
            }

            try
            {
                await store.AddDailyBarsDaysAsync(days, Bars(), ct);
            }
            finally
            {
                // A failed COPY must not leave the reader waiting to hand over its next day.
                await stop.CancelAsync();
                await reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            await reading;
        }

        var unavailable = missing.Concat(unusable).ToList();
        metrics["history_days_unavailable"] = unavailable.Count;
        return unavailable;
    }

    private async Task ReadAheadAsync(List<DateOnly> days, ChannelWriter<DailyBarsDay> read, List<string> missing, CancellationToken ct)
    {
        try
        {
            foreach (var day in days)
            {
                try
                {
                    await read.WriteAsync(await loader.ReadDayAsync(day, ct), ct);
                }
                catch (MarketDataMissingException e)
                {
                    logger.LogWarning("History day {Day} is not available from the source: {Reason}", day.Iso(), e.Message);
                    missing.Add(e.Message);
                }
            }

            read.Complete();
        }
        catch (Exception e)
        {
            read.Complete(e);
            throw;
        }
    }

    private static void Count(StepMetrics metrics, DailyBarsDay day)
    {
        metrics.AddCounts("skipped_rows", day.SkippedRows);
        metrics.AddCounts("rejected", day.Rejected);
    }

    private async Task<Coverage> CoverageAsync(DateOnly day, CancellationToken ct) =>
        await CoverageAsync(await store.SymbolsWithDailyBarsAsync(day, ct), ct);

    private async Task<Coverage> CoverageAsync(IReadOnlySet<string> withBars, CancellationToken ct)
    {
        long active = 0;
        long covered = 0;
        await foreach (var ticker in store.ReadTickersAsync(activeOnly: true, ct))
        {
            active++;
            if (withBars.Contains(ticker.Symbol))
            {
                covered++;
            }
        }

        return new Coverage(withBars.Count, active, covered);
    }

    /// <summary>How much of the active universe has a bar on the day.</summary>
    private readonly record struct Coverage(long Bars, long Active, long Covered)
    {
        public double Ratio => Active == 0 ? 1 : (double)Covered / Active;

        /// <summary>No active universe yet (a fresh install, before RecoverMissingTickers) counts as covered when the day has bars.</summary>
        public bool Meets(double minimum) => Bars > 0 && Ratio >= minimum;

        public string Describe(double minimum) => Active == 0
            ? $"{Bars} symbols, no active universe yet to measure coverage against"
            : string.Create(CultureInfo.InvariantCulture, $"{Covered}/{Active} active tickers covered ({Ratio:P1}, minimum {minimum:P0})");

        public void AddTo(StepMetrics metrics)
        {
            metrics["rows"] = Bars;
            metrics["active_tickers"] = Active;
            metrics["covered_tickers"] = Covered;
            metrics["coverage"] = Math.Round(Ratio, 6);
        }
    }
}
