using System.Globalization;
using Maintenance.Data.Redis;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.CalculateAtr;

/// <summary>
/// The ATR (Tasks:Atr:Method and Period, over the Tasks:Atr:LookbackDays trading days ending at the target date) of
/// every active ticker with a bar on the target date and enough history, stored in <c>atr_values</c> and, as a whole,
/// in the <c>atr:daily</c> hash. Reports computed, skipped for short history or no bar on the date, and failed (bad
/// prices); passes when at least MinSuccessRatio of the tickers with enough history computed and both stores hold
/// exactly the computed values. The scanners' caches get the values too: <c>atr:daily</c> with <c>updated</c> = the
/// session they serve (the first trading day after the target) and <c>atr:{SYMBOL}</c> strings, both 24 h. A second run
/// finds the table and the caches in agreement and skips, unless <c>Force</c>. Never back to an older session: when
/// daily bars of a later date are stored, or the caches already serve a later session (a backfill of an older date),
/// only <c>atr_values</c> is written. Divided among worker replicas (<see cref="RunMaintenanceStep.Shard"/>), each
/// shard does all this for the active symbols of its <see cref="SymbolShard"/> only: their bars, their atr_values rows,
/// their atr:daily fields (written and pruned field by field, never the whole hash) and atr:{SYMBOL} strings.
/// </summary>
public sealed class CalculateAtrStep(
    IMarketStore store,
    RedisStore redis,
    TradingCalendar calendar,
    IOptions<AtrOptions> options,
    ILogger<CalculateAtrStep> logger)
    : IStepService
{
    public static MaintenanceStep Kind => MaintenanceStep.CalculateAtr;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<AtrOptions>(services, configuration, AtrOptions.Section, o => o.Problem());
    }

    /// <summary>The method's name in <c>atr_values.method</c>: <c>wilder</c>, <c>sma</c>, <c>ema</c>.</summary>
    public static string MethodName(AtrMethod method) => method.ToString().ToLowerInvariant();

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var target = command.TargetDate;
        var method = MethodName(settings.Method);
        var shard = new SymbolShard(command.Shard, command.ShardCount);
        TradingWindow.RequireTradingDay(calendar, target);

        // The caches are what the scanners read today: re-running an older date must not put its values there.
        var session = ServedSession.For(calendar, target);
        var laterDays = await store.DaysWithDailyBarsAsync(target.AddDays(1), target.AddYears(10), cancellationToken);
        var served = await redis.GetServedSessionAsync(CacheFamily.Atr);
        var ownsCache = laterDays.Count == 0 && ServedSession.MayReplace(served, session);
        var laterOwner = laterDays.Count > 0 ? $"the later {laterDays[^1].Iso()}" : $"the later session {served?.Iso()}";
        var stored = await ReadStoredAsync(target, settings.Period, method, shard, cancellationToken);
        if (!command.Force && stored.Count > 0 && (!ownsCache || await AtrCaches.HoldAsync(redis, stored, session, shard, cancellationToken)))
        {
            var metrics = new StepMetrics { ["computed"] = stored.Count, ["stored_rows"] = stored.Count, ["redis_fields"] = ownsCache ? stored.Count : 0 };
            var cache = ownsCache ? $"atr:daily (session {session.Iso()}) and atr:{{SYMBOL}} match it" : $"atr:daily belongs to {laterOwner}";
            return StepResult.AlreadyDone($"ATR({settings.Period}, {method}) of {target.Iso()} already stored for {stored.Count} tickers{OfShard(shard)}; {cache}", metrics);
        }

        var active = (await store.ActiveSymbolsAsync(cancellationToken)).Where(shard.Contains).ToHashSet(StringComparer.Ordinal);
        var outcome = await ComputeAsync(target, active, shard, settings, progress, cancellationToken);
        var values = outcome.Values;
        // Counts, not a re-read of what was just written: the load's transaction stores exactly its rows, the shard's
        // fields of atr:daily are counted by name once written and pruned, and each string SET was acknowledged.
        // The table and the caches are written side by side: neither reads the other, and a failure of either fails
        // the step, whose next try finds no stored values and writes both again.
        var storing = store.ReplaceAtrValuesAsync(target, settings.Period, method, values.ToAsyncEnumerable(), shard, cancellationToken);
        long redisFields = 0, atrStrings = 0, staleFields = 0;
        if (ownsCache)
        {
            var writingHash = redis.WriteAtrDailyAsync(values, session, shard);
            var writingStrings = redis.SetAtrStringsAsync(values, cancellationToken);
            await Task.WhenAll(storing, writingHash, writingStrings);
            (redisFields, staleFields) = await writingHash;
            atrStrings = await writingStrings;
            await redis.SetServedSessionAsync(CacheFamily.Atr, session);
        }
        else
        {
            logger.LogWarning("The caches belong to {Owner}: atr:daily keeps its values, only atr_values of {Day} is written", laterOwner, target.Iso());
        }

        var storedRows = await storing;

        var redisHolds = storedRows == values.Count && (!ownsCache || (redisFields == values.Count && atrStrings == values.Count));
        var eligible = values.Count + outcome.Failed;
        var ratio = eligible == 0 ? 1 : (double)values.Count / eligible;
        var result = new StepMetrics
        {
            ["active_tickers"] = active.Count,
            ["computed"] = values.Count,
            ["skipped_short_history"] = outcome.ShortHistory,
            ["skipped_no_bar_on_date"] = outcome.NoBarOnDate,
            ["failed"] = outcome.Failed,
            ["stored_rows"] = storedRows,
            ["redis_fields"] = redisFields,
            ["atr_strings"] = atrStrings,
            ["stale_fields_removed"] = staleFields,
        };

        var problems = new List<string>();
        if (values.Count == 0)
        {
            problems.Add($"no ATR computed: {active.Count} active tickers, {outcome.ShortHistory} with short history, {outcome.NoBarOnDate} without a bar on {target:yyyy-MM-dd}");
        }
        else if (ratio < settings.MinSuccessRatio)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{outcome.Failed} of {eligible} tickers failed ({ratio:P1} computed, minimum {settings.MinSuccessRatio:P0}); first: {outcome.FirstFailure}"));
        }

        if (!redisHolds)
        {
            problems.Add($"written: atr_values took {storedRows} rows, atr:daily holds {redisFields} fields and {atrStrings} atr:{{SYMBOL}} strings were set for the {values.Count} computed values");
        }

        var verdict = problems.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"ATR({settings.Period}, {method}) for {values.Count} tickers{OfShard(shard)} ({ratio:P1} of those with enough history), {outcome.ShortHistory} short history, {outcome.NoBarOnDate} without a bar on the date, {outcome.Failed} failed; {(ownsCache ? $"atr_values, atr:daily and atr:{{SYMBOL}} agree, updated {session.Iso()}" : $"atr:daily left to {laterOwner}")}")
            : string.Join("; ", problems);
        return StepResult.Done(new StepValidation(problems.Count == 0, verdict), result);
    }

    /// <summary>" of shard 1 of 2" when the step is divided, else nothing.</summary>
    private static string OfShard(SymbolShard shard) => shard.IsAll ? "" : $" of shard {shard}";

    private async Task<AtrOutcome> ComputeAsync(DateOnly target, HashSet<string> active, SymbolShard shard, AtrOptions settings, StepProgress progress, CancellationToken ct)
    {
        var window = TradingWindow.EndingAt(calendar, target, settings.LookbackDays);
        var values = new List<AtrValue>(active.Count);
        var seen = 0;
        int shortHistory = 0, noBar = 0, failed = 0;
        string? firstFailure = null;
        // A shard reads only its symbols' bars.
        await foreach (var history in store.ReadDailyPriceHistoryAsync(window[0], target, shard.IsAll ? null : active, ct))
        {
            if (!active.Contains(history.Symbol))
            {
                continue;
            }

            seen++;
            var dates = history.Dates;
            if (dates.Length == 0 || dates[^1] != target)
            {
                noBar++;
            }
            else if (dates.Length < settings.Period + 1)
            {
                shortHistory++;
            }
            else
            {
                var atr = Atr.Calculate(dates, history.High, history.Low, history.Close, target, settings.Method, settings.Period);
                if (atr.HasValue && double.IsFinite(atr.Atr) && double.IsFinite(atr.AtrPercent))
                {
                    values.Add(new AtrValue(history.Symbol, atr.Atr, atr.AtrPercent));
                }
                else
                {
                    failed++;
                    firstFailure ??= $"{history.Symbol}: {atr.Reason}";
                    logger.LogWarning("No ATR for {Symbol}: {Reason}", history.Symbol, atr.Reason);
                }
            }

            progress.Report(seen, active.Count, "tickers");
        }

        // Active tickers without a single bar in the window.
        noBar += active.Count - seen;
        return new AtrOutcome(values, shortHistory, noBar, failed, firstFailure);
    }

    private async Task<Dictionary<string, AtrValue>> ReadStoredAsync(DateOnly target, int period, string method, SymbolShard shard, CancellationToken ct)
    {
        var stored = new Dictionary<string, AtrValue>(StringComparer.Ordinal);
        await foreach (var value in store.ReadAtrValuesAsync(target, period, method, ct))
        {
            if (shard.Contains(value.Symbol))
            {
                stored[value.Symbol] = value;
            }
        }

        return stored;
    }

    private sealed record AtrOutcome(List<AtrValue> Values, int ShortHistory, int NoBarOnDate, int Failed, string? FirstFailure);
}
