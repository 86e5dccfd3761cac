using System.Globalization;
using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Data;
using Maintenance.Data.Redis;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.CalculateRvol;

/// <summary>
/// The RVOL historical averages (docs/DESIGN.md) of every active ticker, for each configured lookback N: over the ticker's N
/// most recent days with slot data up to and including the target date (searched among the last 2 x N trading days),
/// the mean accumulated volume at every slot, truncated, written to <c>rvol:hist:avg:{SYMBOL}:{N}</c> (slots above 0)
/// with the Tasks:Rvol:Ttl time to live. Every other <c>rvol:hist:avg:*</c> hash (tickers no longer active, lookbacks
/// no longer configured) is removed. A small marker, <c>rvol:hist:meta</c>, records which date and lookbacks the hashes
/// are for, so a second run for the same date finds them complete and skips, unless <c>Force</c>. When a later date
/// has volume slots (a re-run of an older date), the hashes are left to it and the step reports skipped.
/// </summary>
public sealed class CalculateRvolStep(
    IMarketStore store,
    RedisStore redis,
    TradingCalendar calendar,
    TimeProvider clock,
    IOptions<RvolOptions> options,
    ILogger<CalculateRvolStep> logger)
    : IStepService
{
    public const string KeyPattern = RedisKeys.RvolAveragesPattern;

    /// <summary>What the current hashes were computed for (JSON <see cref="RvolMarker"/>), with the hashes' TTL.</summary>
    public const string MarkerKey = "rvol:hist:meta";

    private const int HashesPerBatch = 1000;

    public static MaintenanceStep Kind => MaintenanceStep.CalculateRvol;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<RvolOptions>(services, configuration, RvolOptions.Section, o => o.Problem());
    }

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var target = command.TargetDate;
        var lookbacks = settings.EffectiveLookbacks;
        TradingWindow.RequireTradingDay(calendar, target);

        // The hashes are what the scanners read today: re-running an older date must not replace them with its averages.
        var laterDays = await store.DaysWithVolumeSlotsAsync(target.AddDays(1), target.AddYears(10), cancellationToken);
        if (laterDays.Count > 0)
        {
            return StepResult.AlreadyDone($"volume slots of a later date ({laterDays[^1].Iso()}) are stored: the RVOL hashes belong to it and are left alone", new StepMetrics { ["keys"] = 0 });
        }

        if (!command.Force && await redis.GetJsonAsync<RvolMarker>(MarkerKey) is { } marker
            && marker.TargetDate == target && marker.Lookbacks.SequenceEqual(lookbacks))
        {
            var present = await redis.CountByPatternAsync(KeyPattern, cancellationToken);
            if (present == marker.Keys)
            {
                var metrics = new StepMetrics { ["tickers"] = marker.Tickers, ["keys"] = present };
                return StepResult.AlreadyDone($"RVOL averages of {target:yyyy-MM-dd} for lookbacks [{string.Join(", ", lookbacks)}] already in Redis: {present} hashes of {marker.Tickers} tickers", metrics);
            }

            logger.LogWarning("The RVOL marker says {Expected} hashes for {Day} but {Present} exist; computing again", marker.Keys, target.Iso(), present);
        }

        var active = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var ticker in store.ReadTickersAsync(activeOnly: true, cancellationToken))
        {
            active.Add(ticker.Symbol);
        }

        var days = TradingWindow.EndingAt(calendar, target, 2 * settings.LargestLookback);
        var hashes = new List<HashReplacement>();
        long count = 0;
        // One batch on its way to Redis while the next is read and computed: reading and writing overlap, and no
        // more than two batches are ever in memory.
        var writing = Task.FromResult(0);
        var written = new HashSet<string>(StringComparer.Ordinal);
        int tickers = 0, withTargetDay = 0, withHash = 0, shortHistory = 0;
        await foreach (var history in store.ReadVolumeSlotHistoryAsync(days, cancellationToken))
        {
            if (!active.Contains(history.Symbol))
            {
                continue;
            }

            tickers++;
            if (history.Days.Count > 0 && history.Days[^1].Date == target)
            {
                withTargetDay++;
            }

            var averages = Core.RvolAverages.Calculate(history.Days.Select(d => new VolumeSlotDay(d.Date, d.Slots)), target, lookbacks);
            if (averages.Any(a => a.Slots.Count > 0))
            {
                withHash++;
            }

            foreach (var average in averages)
            {
                if (average.DaysUsed < average.Lookback)
                {
                    shortHistory++;
                }

                if (average.Slots.Count == 0)
                {
                    continue;
                }

                var key = RedisKeys.RvolAverages(history.Symbol, average.Lookback);
                hashes.Add(new HashReplacement(key, [.. average.Slots.Select(s => new HashEntry(s.Slot, s.Average))]));
                written.Add(key);
            }

            // Written in batches: the whole market's 192-field hashes would otherwise sit in memory at once.
            if (hashes.Count >= HashesPerBatch)
            {
                count += await writing;
                writing = redis.ReplaceHashesAsync(hashes, settings.Ttl, cancellationToken);
                hashes = [];
            }

            progress.Report(tickers, active.Count, "tickers");
        }

        count += await writing;
        count += await redis.ReplaceHashesAsync(hashes, settings.Ttl, cancellationToken);
        var stale = await redis.DeleteWhereAsync(KeyPattern, key => !written.Contains(key.ToString()), cancellationToken);
        var presentAfter = await redis.CountByPatternAsync(KeyPattern, cancellationToken);
        await redis.SetJsonAsync(MarkerKey, new RvolMarker(target, lookbacks, tickers, presentAfter, clock.GetUtcNow()), settings.Ttl);
        var ttlHolds = written.Count == 0 || await redis.Database.KeyTimeToLiveAsync(written.First()) is { } ttl && ttl > TimeSpan.Zero && ttl <= settings.Ttl;

        var ratio = tickers == 0 ? 1 : (double)withHash / tickers;
        var result = new StepMetrics
        {
            ["active_tickers"] = active.Count,
            ["tickers"] = tickers,
            ["tickers_with_target_day"] = withTargetDay,
            ["tickers_with_averages"] = withHash,
            ["keys"] = count,
            ["keys_present"] = presentAfter,
            ["short_history"] = shortHistory,
            ["stale_removed"] = stale,
        };

        var problems = new List<string>();
        if (tickers == 0 || withTargetDay == 0)
        {
            problems.Add($"no volume slots of active tickers on {target:yyyy-MM-dd}: LoadVolumeSlots must load the day first");
        }
        else if (ratio < settings.MinSuccessRatio)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"only {withHash} of the {tickers} tickers with slot data ({ratio:P1}) got averages (minimum {settings.MinSuccessRatio:P0})"));
        }

        if (presentAfter != count)
        {
            problems.Add($"read back: {presentAfter} rvol:hist:avg hashes in Redis, {count} written");
        }

        if (!ttlHolds)
        {
            problems.Add($"read back: the hashes have no TTL of at most {settings.Ttl}");
        }

        var verdict = problems.Count == 0
            ? $"{count} hashes for {tickers} tickers, lookbacks [{string.Join(", ", lookbacks)}] ({shortHistory} averaged over fewer days than their lookback), TTL {settings.Ttl}; {stale} stale hashes removed"
            : string.Join("; ", problems);
        return StepResult.Done(new StepValidation(problems.Count == 0, verdict), result);
    }
}

/// <summary>What the <c>rvol:hist:avg:*</c> hashes in Redis were computed for.</summary>
public sealed record RvolMarker(DateOnly TargetDate, int[] Lookbacks, int Tickers, long Keys, DateTimeOffset ComputedAt);
