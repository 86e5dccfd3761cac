using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Tasks.CalculateAtr;
using Maintenance.Tasks.LoadOhlc;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.RecoverMissingTickers;

/// <summary>
/// Keeps <c>tickers</c> in step with the market: symbols with a bar on the target date that the table lacks are added
/// (name, exchange, type and CIK from the provider's tickers list where it has them; market data comes later from
/// EnrichMetadata) and the ATR window of daily bars they need is made present; inactive tickers trading again are
/// reactivated; active tickers without a bar on any of the last Tasks:RecoverMissingTickers:InactiveAfterDays trading
/// days are marked inactive. At most MaxPerRun tickers are added per run; the rest follow in the next runs.
/// </summary>
public sealed class RecoverMissingTickersStep(
    IMarketStore store,
    IMarketDataSource source,
    DailyBarsLoader loader,
    TradingCalendar calendar,
    IOptions<RecoverMissingTickersOptions> options,
    IOptions<AtrOptions> atrOptions,
    ILogger<RecoverMissingTickersStep> logger)
    : IStepService
{
    public static MaintenanceStep Kind => MaintenanceStep.RecoverMissingTickers;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<RecoverMissingTickersOptions>(services, configuration, RecoverMissingTickersOptions.Section, o => o.Problem());
    }

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var target = command.TargetDate;
        TradingWindow.RequireTradingDay(calendar, target);
        var traded = await store.SymbolsWithDailyBarsAsync(target, cancellationToken);
        if (traded.Count == 0)
        {
            return StepResult.Done(new StepValidation(false, $"no daily bars stored for {target:yyyy-MM-dd}: LoadOhlc must load the day first"), new StepMetrics());
        }

        var known = new Dictionary<string, Ticker>(StringComparer.Ordinal);
        await foreach (var ticker in store.ReadTickersAsync(activeOnly: false, cancellationToken))
        {
            known[ticker.Symbol] = ticker;
        }

        var missing = traded.Where(symbol => !known.ContainsKey(symbol)).Order(StringComparer.Ordinal).ToList();
        var toAdd = missing.Take(settings.MaxPerRun).ToList();
        var toReactivate = traded.Where(symbol => known.TryGetValue(symbol, out var t) && !t.Active).Order(StringComparer.Ordinal).ToList();
        var (inactivityChecked, toDeactivate) = await AbsentTickersAsync(target, settings.InactiveAfterDays, known, cancellationToken);

        var metrics = new StepMetrics
        {
            ["traded_symbols"] = traded.Count,
            ["known_tickers"] = known.Count,
            ["missing"] = missing.Count,
            ["missing_remaining"] = missing.Count - toAdd.Count,
            ["inactivity_checked"] = inactivityChecked ? 1 : 0,
        };

        if (toAdd.Count == 0 && toReactivate.Count == 0 && toDeactivate.Count == 0)
        {
            metrics["added"] = 0;
            metrics["reactivated"] = 0;
            metrics["deactivated"] = 0;
            return StepResult.AlreadyDone($"all {traded.Count} traded symbols are known and active; {InactivityNote(inactivityChecked, settings.InactiveAfterDays)}", metrics);
        }

        if (toAdd.Count > 0)
        {
            var listed = await ListedAsync(toAdd, target, cancellationToken);
            metrics["added_with_reference_data"] = listed.Count;
            await store.UpsertTickersAsync(toAdd.Select(symbol => NewTicker(symbol, target, listed.GetValueOrDefault(symbol))).ToAsyncEnumerable(), cancellationToken);
            await LoadHistoryAsync(target, metrics, progress, cancellationToken);
        }

        if (toReactivate.Count > 0)
        {
            await store.UpsertTickersAsync(toReactivate.Select(symbol => new Ticker { Symbol = symbol, Active = true }).ToAsyncEnumerable(), cancellationToken);
        }

        var deactivated = toDeactivate.Count == 0 ? 0 : await store.MarkTickersInactiveAsync(toDeactivate, cancellationToken);
        metrics["added"] = toAdd.Count;
        metrics["reactivated"] = toReactivate.Count;
        metrics["deactivated"] = deactivated;

        // The check: every symbol traded on the day (up to the cap) is now an active ticker, and the absent ones are not.
        var after = new Dictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var ticker in store.ReadTickersAsync(activeOnly: false, cancellationToken))
        {
            after[ticker.Symbol] = ticker.Active;
        }

        var notActive = toAdd.Concat(toReactivate).Count(symbol => !after.GetValueOrDefault(symbol));
        var stillActive = toDeactivate.Count(symbol => after.GetValueOrDefault(symbol));
        var passed = notActive == 0 && stillActive == 0;
        var verdict = passed
            ? $"{toAdd.Count} ticker(s) added ({missing.Count - toAdd.Count} left for later runs, MaxPerRun {settings.MaxPerRun}), {toReactivate.Count} reactivated, {deactivated} marked inactive; {InactivityNote(inactivityChecked, settings.InactiveAfterDays)}"
            : $"after the update {notActive} traded symbol(s) are not active tickers and {stillActive} absent ticker(s) are still active";
        return StepResult.Done(new StepValidation(passed, verdict), metrics);
    }

    /// <summary>
    /// The active tickers without a bar on any of the last <paramref name="days"/> trading days. Only judged when all of
    /// those days are stored: a day that was never loaded says nothing about who traded on it.
    /// </summary>
    private async Task<(bool Checked, List<string> Absent)> AbsentTickersAsync(DateOnly target, int days, Dictionary<string, Ticker> known, CancellationToken ct)
    {
        var window = TradingWindow.EndingAt(calendar, target, days);
        var stored = await store.DaysWithDailyBarsAsync(window[0], target, ct);
        if (stored.Count < window.Count)
        {
            return (false, []);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var day in window)
        {
            seen.UnionWith(await store.SymbolsWithDailyBarsAsync(day, ct));
        }

        return (true, known.Values.Where(t => t.Active && !seen.Contains(t.Symbol)).Select(t => t.Symbol).Order(StringComparer.Ordinal).ToList());
    }

    private static string InactivityNote(bool inactivityChecked, int days) => inactivityChecked
        ? $"inactivity judged over the last {days} trading days"
        : $"inactivity not judged: the last {days} trading days are not all stored yet";

    /// <summary>The provider's reference data of the symbols it lists as of the target date (one paged call, not one per symbol).</summary>
    private async Task<Dictionary<string, TickerInfo>> ListedAsync(List<string> symbols, DateOnly target, CancellationToken ct)
    {
        var wanted = symbols.ToHashSet(StringComparer.Ordinal);
        var listed = new Dictionary<string, TickerInfo>(StringComparer.Ordinal);
        await foreach (var info in source.ListTickersAsync(target, ct))
        {
            if (wanted.Contains(info.Symbol))
            {
                listed[info.Symbol] = info;
            }
        }

        return listed;
    }

    private static Ticker NewTicker(string symbol, DateOnly target, TickerInfo? info) => new()
    {
        Symbol = symbol,
        Name = info?.Name,
        Exchange = info?.Exchange,
        Type = info?.Type,
        Cik = info?.Cik,
        // It trades today, whatever the list says about it.
        Active = true,
        FirstSeen = target,
    };

    /// <summary>New tickers need their ATR window of daily bars: load the days of it that are not stored yet.</summary>
    private async Task LoadHistoryAsync(DateOnly target, StepMetrics metrics, StepProgress progress, CancellationToken ct)
    {
        var window = TradingWindow.EndingAt(calendar, target, atrOptions.Value.LookbackDays);
        var present = (await store.DaysWithDailyBarsAsync(window[0], target, ct)).ToHashSet();
        var missing = window.Where(day => !present.Contains(day)).ToList();
        for (var i = 0; i < missing.Count; i++)
        {
            try
            {
                var loaded = await loader.LoadDayAsync(missing[i], ct);
                metrics.Increment(loaded.Problem is null ? "history_days_loaded" : "history_days_unavailable", 1);
            }
            catch (MarketDataMissingException e)
            {
                logger.LogWarning("History day {Day} is not available from the source: {Reason}", missing[i].Iso(), e.Message);
                metrics.Increment("history_days_unavailable", 1);
            }

            progress.Report(i + 1, missing.Count, "history days");
        }
    }
}
