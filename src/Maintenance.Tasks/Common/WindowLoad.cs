namespace Maintenance.Tasks.Common;

/// <summary>A load step's check of its stored target day (its coverage), for the shared skip test.</summary>
public interface IStoredDayCheck
{
    /// <summary>Why the stored day is not good enough, or null.</summary>
    string? Problem { get; }

    /// <summary>What was counted, for a verdict.</summary>
    string Description { get; }

    void AddTo(StepMetrics metrics);
}

/// <summary>What makes a step a window load: its lookback, and how it finds and checks its stored days.</summary>
/// <param name="Name">The window in verdicts: "ATR window", "RVOL lookback".</param>
public sealed record WindowLoadSpec(
    TradingCalendar Calendar,
    int LookbackDays,
    string Name,
    WindowLoad.StoredDays Stored,
    Func<DateOnly, CancellationToken, Task<IStoredDayCheck>> CheckStored);

/// <summary>A step that keeps a lookback window loaded: the shared skip test first (<see cref="WindowLoad.RunAsync"/>), then its own load.</summary>
public abstract class WindowLoadStep(ILogger logger)
{
    /// <summary>The step's window and how its stored days are found and checked.</summary>
    protected abstract WindowLoadSpec Spec { get; }

    public Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken) =>
        WindowLoad.RunAsync(Spec, command, logger, (share, metrics) => LoadAsync(command, share, metrics, progress, cancellationToken), cancellationToken);

    /// <summary>Loads what <paramref name="share"/> lacks (a shard without the target: its missing history days only) and judges it.</summary>
    protected abstract Task<StepResult> LoadAsync(RunMaintenanceStep command, WindowShare share, StepMetrics metrics, StepProgress progress, CancellationToken cancellationToken);
}

/// <summary>
/// What the load steps (load-ohlc, load-volume-slots) share: their lookback window ending at the target date, the
/// part of it this command's shard owns (<see cref="WindowShare"/>), the test that skips a complete and valid window,
/// and the verdict on history days the source lacked.
/// </summary>
public static class WindowLoad
{
    /// <summary>The days a store holds from the first day to the last (inclusive), in order.</summary>
    public delegate Task<IReadOnlyList<DateOnly>> StoredDays(DateOnly firstDay, DateOnly lastDay, CancellationToken ct);

    /// <summary>
    /// Plans this shard's part of the window and skips when it is complete and its stored target day passes its check
    /// (unless <c>Force</c>); otherwise <paramref name="load"/> loads it (a history shard: its missing days only).
    /// </summary>
    public static async Task<StepResult> RunAsync(
        WindowLoadSpec spec,
        RunMaintenanceStep command,
        ILogger logger,
        Func<WindowShare, StepMetrics, Task<StepResult>> load,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(load);
        var (share, metrics) = await PlanAsync(spec.Calendar, command, spec.LookbackDays, spec.Stored, ct);
        if (share.OwnsTarget && share.Complete && !command.Force)
        {
            var stored = await spec.CheckStored(command.TargetDate, ct);
            stored.AddTo(metrics);
            if (stored.Problem is null)
            {
                return StepResult.AlreadyDone($"{command.TargetDate:yyyy-MM-dd} already loaded: {stored.Description}; all days {Describe(share, command)} present", metrics);
            }

            logger.LogWarning("{Day} is stored but fails its check ({Problem}); loading it again", command.TargetDate.Iso(), stored.Problem);
        }

        return await load(share, metrics);
    }

    /// <summary>This shard's part of the <paramref name="lookbackDays"/>-day window, and its first figures.</summary>
    /// <exception cref="StepInputException">The target date is not a trading day.</exception>
    public static async Task<(WindowShare Share, StepMetrics Metrics)> PlanAsync(
        TradingCalendar calendar, RunMaintenanceStep command, int lookbackDays, StoredDays stored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(stored);
        TradingWindow.RequireTradingDay(calendar, command.TargetDate);
        var window = TradingWindow.EndingAt(calendar, command.TargetDate, lookbackDays);
        var present = (await stored(window[0], command.TargetDate, ct)).ToHashSet();
        var share = WindowShare.Of(window, present, command.Shard, command.ShardCount);
        var metrics = new StepMetrics
        {
            ["window_days"] = share.Days.Count,
            ["history_days_present"] = share.HistoryPresent,
        };
        return (share, metrics);
    }

    /// <summary>What this shard's days are, for verdicts: "2026-11-18 to 2026-11-23 (shard 1 of 2)".</summary>
    public static string Describe(WindowShare share, RunMaintenanceStep command)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(command);
        var days = share.Days.Count == 0 ? "no day" : $"{share.Days[0]:yyyy-MM-dd} to {share.Days[^1]:yyyy-MM-dd}";
        return command.ShardCount > 1 ? $"{days} (shard {command.Shard + 1} of {command.ShardCount})" : days;
    }

    /// <summary>Why the history is not good enough, or null: more days lacked than <paramref name="allowed"/>.</summary>
    public static string? HistoryProblem(IReadOnlyList<string> unavailable, int allowed, string window)
    {
        ArgumentNullException.ThrowIfNull(unavailable);
        return unavailable.Count > allowed
            ? $"{unavailable.Count} history day(s) of the {window} unavailable (at most {allowed} allowed): {string.Join("; ", unavailable.Take(3))}"
            : null;
    }

    /// <summary>
    /// The answer of a shard that does not own the target day: it loads only its history days, and is judged only on
    /// them (the target's shard judges the day's coverage).
    /// </summary>
    public static StepResult HistoryShardResult(WindowShare share, RunMaintenanceStep command, IReadOnlyList<string> unavailable, int allowed, string window, StepMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(share);
        var days = Describe(share, command);
        if (share.MissingHistory.Count == 0)
        {
            return StepResult.AlreadyDone($"history days {days} already present", metrics);
        }

        var problem = HistoryProblem(unavailable, allowed, window);
        return StepResult.Done(
            new StepValidation(problem is null, problem ?? $"{share.MissingHistory.Count - unavailable.Count} history day(s) of {days} loaded"),
            metrics);
    }
}
