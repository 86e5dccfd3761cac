using System.Globalization;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Tasks.CalculateRvol;
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
    : WindowLoadStep(logger), IStepService
{
    private const string Window = "RVOL lookback";

    public static MaintenanceStep Kind => MaintenanceStep.LoadVolumeSlots;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<LoadVolumeSlotsOptions>(services, configuration, LoadVolumeSlotsOptions.Section, o => o.Problem());
        services.AddScoped<VolumeSlotsLoader>();
    }

    protected override WindowLoadSpec Spec => new(calendar, rvolOptions.Value.LargestLookback, Window, store.DaysWithVolumeSlotsAsync, async (day, ct) => await CoverageAsync(day, ct));

    protected override async Task<StepResult> LoadAsync(RunMaintenanceStep command, WindowShare share, StepMetrics metrics, StepProgress progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var target = command.TargetDate;
        List<DateOnly> days = share.OwnsTarget ? [target, .. share.MissingHistory] : [.. share.MissingHistory];
        var unavailable = new List<string>();
        var done = 0;
        await foreach (var loaded in loader.LoadDaysAsync(days, cancellationToken))
        {
            Count(metrics, loaded);
            if (loaded.Date == target)
            {
                if (loaded.Missing is { } missing)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(missing);
                }

                metrics["minute_bars"] = loaded.MinuteBars;
                metrics["minute_bars_outside_session"] = loaded.MinuteBarsOutsideSession;
                if (loaded.Problem is not null)
                {
                    return StepResult.Done(new StepValidation(false, loaded.Problem), metrics);
                }

                continue;
            }

            if (loaded.Problem is null)
            {
                metrics.Increment("history_days_loaded", 1);
                metrics.Increment("history_rows", loaded.Rows);
            }
            else
            {
                unavailable.Add(loaded.Problem);
            }

            progress.Report(++done, share.MissingHistory.Count, "history days");
        }

        metrics["history_days_unavailable"] = unavailable.Count;
        if (!share.OwnsTarget)
        {
            return WindowLoad.HistoryShardResult(share, command, unavailable, settings.MaxMissingHistoryDays, Window, metrics);
        }

        // Counted in one query, not read back: the day's rows, tickers and coverage against its daily bars.
        var coverage = await CoverageAsync(target, cancellationToken);
        coverage.AddTo(metrics);
        var problem = coverage.Problem ?? WindowLoad.HistoryProblem(unavailable, settings.MaxMissingHistoryDays, Window);
        var verdict = problem
            ?? $"{coverage.Description}; {share.MissingHistory.Count - unavailable.Count} history day(s) loaded, days {WindowLoad.Describe(share, command)} complete";
        return StepResult.Done(new StepValidation(problem is null, verdict), metrics);
    }

    private static void Count(StepMetrics metrics, VolumeSlotsDay day)
    {
        metrics.AddCounts("skipped_rows", day.SkippedRows);
        metrics.AddCounts("rejected", day.Rejected);
    }

    private async Task<SlotCoverage> CoverageAsync(DateOnly day, CancellationToken ct)
    {
        var counts = await store.VolumeSlotCoverageAsync(day, ct);
        return new SlotCoverage(counts.Rows, counts.Tickers, counts.Traded, counts.Covered, options.Value);
    }

    private readonly record struct SlotCoverage(long Rows, long Tickers, long Traded, long Covered, LoadVolumeSlotsOptions Settings) : IStoredDayCheck
    {
        public double Ratio => Traded == 0 ? 1 : (double)Covered / Traded;

        public string? Problem =>
            Rows < Settings.MinSlotRows ? $"{Rows} slot rows, at least {Settings.MinSlotRows} required"
            : Ratio < Settings.MinTickerCoverage ? string.Create(CultureInfo.InvariantCulture, $"ticker coverage too low: {Covered}/{Traded} symbols with volume have slots ({Ratio:P1}, minimum {Settings.MinTickerCoverage:P0})")
            : null;

        public string Description => Traded == 0
            ? $"{Rows} slot rows for {Tickers} tickers (no daily bars stored to measure coverage against)"
            : string.Create(CultureInfo.InvariantCulture, $"{Rows} slot rows for {Tickers} tickers, {Covered}/{Traded} symbols with volume covered ({Ratio:P1}, minimum {Settings.MinTickerCoverage:P0})");

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
