using System.Globalization;
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Tasks.CalculateRvol;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.LoadVolumeSlots;

/// <summary>
/// Turns the target day's minute bars into the 192 five-minute volume slots of every ticker and makes sure the
/// largest RVOL lookback (Tasks:Rvol:Lookbacks) of trading days ending at the target date has slots, loading the
/// days that are missing. Passes when the target day has at least Tasks:LoadVolumeSlots:MinSlotRows rows and covers
/// at least MinTickerCoverage of the symbols that traded volume that day (daily bars), and the source had every
/// history day. A second run with everything present and valid skips; <c>Force</c> reloads the target day.
/// </summary>
public sealed class LoadVolumeSlotsStep(
    VolumeSlotsLoader loader,
    IMarketStore store,
    TradingCalendar calendar,
    IOptions<LoadVolumeSlotsOptions> options,
    IOptions<RvolOptions> rvolOptions,
    ILogger<LoadVolumeSlotsStep> logger)
    : IStepService
{
    public static MaintenanceStep Kind => MaintenanceStep.LoadVolumeSlots;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<LoadVolumeSlotsOptions>(services, configuration, LoadVolumeSlotsOptions.Section, o => o.Problem());
        services.AddScoped<VolumeSlotsLoader>();
    }

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var target = command.TargetDate;
        TradingWindow.RequireTradingDay(calendar, target);
        var window = TradingWindow.EndingAt(calendar, target, rvolOptions.Value.LargestLookback);
        var present = (await store.DaysWithVolumeSlotsAsync(window[0], target, cancellationToken)).ToHashSet();
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
            if (stored.Problem(settings) is null)
            {
                return StepResult.AlreadyDone($"{target:yyyy-MM-dd} already loaded: {stored.Describe(settings)}; all {window.Count} lookback days present", metrics);
            }

            logger.LogWarning("{Day} has volume slots but they fail the check ({Problem}); loading it again", target.Iso(), stored.Problem(settings));
        }

        var targetDay = await loader.LoadDayAsync(target, cancellationToken);
        Count(metrics, targetDay);
        metrics["minute_bars"] = targetDay.MinuteBars;
        metrics["minute_bars_outside_session"] = targetDay.MinuteBarsOutsideSession;
        if (targetDay.Problem is not null)
        {
            return StepResult.Done(new StepValidation(false, targetDay.Problem), metrics);
        }

        var unavailable = new List<string>();
        for (var i = 0; i < missingHistory.Count; i++)
        {
            try
            {
                var loaded = await loader.LoadDayAsync(missingHistory[i], cancellationToken);
                Count(metrics, loaded);
                if (loaded.Problem is null)
                {
                    metrics.Increment("history_days_loaded", 1);
                    metrics.Increment("history_rows", loaded.Rows);
                }
                else
                {
                    unavailable.Add(loaded.Problem);
                }
            }
            catch (MarketDataMissingException e)
            {
                logger.LogWarning("History day {Day} is not available from the source: {Reason}", missingHistory[i].Iso(), e.Message);
                unavailable.Add(e.Message);
            }

            progress.Report(i + 1, missingHistory.Count, "history days");
        }

        metrics["history_days_unavailable"] = unavailable.Count;
        var coverage = await CoverageAsync(target, cancellationToken);
        coverage.AddTo(metrics);
        var problems = new List<string>();
        if (coverage.Problem(settings) is { } problem)
        {
            problems.Add(problem);
        }

        if (unavailable.Count > settings.MaxMissingHistoryDays)
        {
            problems.Add($"{unavailable.Count} history day(s) of the {window.Count}-day RVOL lookback unavailable (at most {settings.MaxMissingHistoryDays} allowed): {string.Join("; ", unavailable.Take(3))}");
        }

        var verdict = problems.Count == 0
            ? $"{coverage.Describe(settings)}; {missingHistory.Count - unavailable.Count} history day(s) loaded, lookback of {window.Count} days complete"
            : string.Join("; ", problems);
        return StepResult.Done(new StepValidation(problems.Count == 0, verdict), metrics);
    }

    private static void Count(StepMetrics metrics, VolumeSlotsDay day)
    {
        metrics.AddCounts("skipped_rows", day.SkippedRows);
        metrics.AddCounts("rejected", day.Rejected);
    }

    /// <summary>The day's stored slot rows, and how many of the symbols that traded volume (daily bars) have them.</summary>
    private async Task<SlotCoverage> CoverageAsync(DateOnly day, CancellationToken ct)
    {
        var counts = await store.CountVolumeSlotsAsync(day, day, ct);
        var rows = counts.Count == 0 ? 0 : counts[0].Rows;
        var withSlots = await store.SymbolsWithVolumeSlotsAsync(day, ct);
        long traded = 0;
        long covered = 0;
        await foreach (var bar in store.ReadDailyBarsAsync(day, ct))
        {
            if (bar.Volume > 0)
            {
                traded++;
                if (withSlots.Contains(bar.Symbol))
                {
                    covered++;
                }
            }
        }

        return new SlotCoverage(rows, withSlots.Count, traded, covered);
    }

    private readonly record struct SlotCoverage(long Rows, long Tickers, long Traded, long Covered)
    {
        public double Ratio => Traded == 0 ? 1 : (double)Covered / Traded;

        public string? Problem(LoadVolumeSlotsOptions settings) =>
            Rows < settings.MinSlotRows ? $"{Rows} slot rows, at least {settings.MinSlotRows} required"
            : Ratio < settings.MinTickerCoverage ? string.Create(CultureInfo.InvariantCulture, $"ticker coverage too low: {Covered}/{Traded} symbols with volume have slots ({Ratio:P1}, minimum {settings.MinTickerCoverage:P0})")
            : null;

        public string Describe(LoadVolumeSlotsOptions settings) => Traded == 0
            ? $"{Rows} slot rows for {Tickers} tickers (no daily bars stored to measure coverage against)"
            : string.Create(CultureInfo.InvariantCulture, $"{Rows} slot rows for {Tickers} tickers, {Covered}/{Traded} symbols with volume covered ({Ratio:P1}, minimum {settings.MinTickerCoverage:P0})");

        public void AddTo(StepMetrics metrics)
        {
            metrics["rows"] = Rows;
            metrics["tickers"] = Tickers;
            metrics["traded_symbols"] = Traded;
            metrics["covered_symbols"] = Covered;
            metrics["coverage"] = Math.Round(Ratio, 6);
        }
    }
}
