using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Maintenance.Data.Redis;
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
/// has volume slots (a re-run of an older date), the hashes are left to it and the step reports skipped. Divided among
/// worker replicas (<see cref="RunMaintenanceStep.Shard"/>), each shard does this for the active symbols of its
/// <see cref="SymbolShard"/>: it reads only their slot rows, writes their hashes, removes the stale hashes of its own
/// symbols only, and keeps its own marker (<see cref="MarkerKeyOf"/>).
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

    // Histories read ahead of the averages: enough to keep the reader busy, few enough that they die young (a
    // thousand held ~25 MB of slots across collections).
    private const int ReadAhead = 128;

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
        var shard = new SymbolShard(command.Shard, command.ShardCount);
        var markerKey = MarkerKeyOf(shard);
        TradingWindow.RequireTradingDay(calendar, target);

        // The hashes are what the scanners read today: re-running an older date must not replace them with its averages.
        var laterDays = await store.DaysWithVolumeSlotsAsync(target.AddDays(1), target.AddYears(10), cancellationToken);
        if (laterDays.Count > 0)
        {
            return StepResult.AlreadyDone($"volume slots of a later date ({laterDays[^1].Iso()}) are stored: the RVOL hashes belong to it and are left alone", new StepMetrics { ["keys"] = 0 });
        }

        if (!command.Force && await redis.GetJsonAsync<RvolMarker>(markerKey) is { } marker
            && marker.TargetDate == target && marker.Lookbacks.SequenceEqual(lookbacks))
        {
            var present = await CountShardKeysAsync(shard, cancellationToken);
            if (present == marker.Keys)
            {
                var metrics = new StepMetrics { ["tickers"] = marker.Tickers, ["keys"] = present };
                return StepResult.AlreadyDone($"RVOL averages of {target:yyyy-MM-dd} for lookbacks [{string.Join(", ", lookbacks)}] already in Redis: {present} hashes of {marker.Tickers} tickers{OfShard(shard)}", metrics);
            }

            logger.LogWarning("The RVOL marker says {Expected} hashes for {Day} but {Present} exist; computing again", marker.Keys, target.Iso(), present);
        }

        var active = (await store.ActiveSymbolsAsync(cancellationToken)).Where(shard.Contains).ToHashSet(StringComparer.Ordinal);

        var window = TradingWindow.EndingAt(calendar, target, 2 * settings.LargestLookback);
        var stored = await store.DaysWithVolumeSlotsAsync(window[0], target, cancellationToken);
        // Most symbols have slots on each of the latest stored days, so those days alone give their averages; only
        // the symbols short of them need the older days of the window (a full window is twice the lookback).
        var recent = stored.TakeLast(settings.LargestLookback).ToArray();
        var older = stored.SkipLast(settings.LargestLookback).ToArray();
        var shortOfRecent = new Dictionary<string, VolumeSlotHistory>(StringComparer.Ordinal);
        var complete = new HashSet<string>(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var tally = new RvolTally();
        var hashes = new List<HashReplacement>(HashesPerBatch);
        long count = 0;
        var writing = Task.FromResult(0);

        async Task AddAsync(VolumeSlotHistory history)
        {
            tally.Add(history, target, lookbacks, hashes, written);
            if (hashes.Count >= HashesPerBatch)
            {
                count += await writing;
                writing = redis.ReplaceHashesAsync(hashes, settings.Ttl, cancellationToken);
                hashes = new List<HashReplacement>(HashesPerBatch);
            }

            progress.Report(tally.Tickers, active.Count, "tickers");
        }

        await foreach (var history in ReadHistoriesAsync(recent, shard.IsAll ? null : active, cancellationToken))
        {
            if (!active.Contains(history.Symbol))
            {
                continue;
            }

            if (history.Days.Count < recent.Length && older.Length > 0)
            {
                shortOfRecent[history.Symbol] = history;
                continue;
            }

            complete.Add(history.Symbol);
            await AddAsync(history);
        }

        var wantOlder = older.Length == 0 ? [] : active.Where(s => !complete.Contains(s)).ToList();
        if (wantOlder.Count > 0)
        {
            await foreach (var history in ReadHistoriesAsync(older, wantOlder, cancellationToken))
            {
                await AddAsync(shortOfRecent.Remove(history.Symbol, out var latest)
                    ? history with { Days = [.. history.Days, .. latest.Days] }
                    : history);
            }
        }

        foreach (var history in shortOfRecent.Values)
        {
            await AddAsync(history);
        }

        count += await writing;
        count += await redis.ReplaceHashesAsync(hashes, settings.Ttl, cancellationToken);
        // Stale: this shard's hashes not written now (tickers no longer active, lookbacks no longer configured).
        var stale = await redis.DeleteWhereAsync(KeyPattern, key => !written.Contains(key.ToString()) && shard.Contains(SymbolOf(key)), cancellationToken);
        var presentAfter = await CountShardKeysAsync(shard, cancellationToken);
        await redis.SetJsonAsync(markerKey, new RvolMarker(target, lookbacks, tally.Tickers, presentAfter, clock.GetUtcNow()), settings.Ttl);
        var ttlHolds = written.Count == 0 || await redis.Database.KeyTimeToLiveAsync(written.First()) is { } ttl && ttl > TimeSpan.Zero && ttl <= settings.Ttl;

        var tickers = tally.Tickers;
        var ratio = tickers == 0 ? 1 : (double)tally.WithHash / tickers;
        var result = new StepMetrics
        {
            ["active_tickers"] = active.Count,
            ["tickers"] = tickers,
            ["tickers_with_target_day"] = tally.WithTargetDay,
            ["tickers_with_averages"] = tally.WithHash,
            ["keys"] = count,
            ["keys_present"] = presentAfter,
            ["short_history"] = tally.ShortHistory,
            ["stale_removed"] = stale,
        };

        var problems = new List<string>();
        if (tickers == 0 || tally.WithTargetDay == 0)
        {
            problems.Add($"no volume slots of active tickers{OfShard(shard)} on {target:yyyy-MM-dd}: LoadVolumeSlots must load the day first");
        }
        else if (ratio < settings.MinSuccessRatio)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"only {tally.WithHash} of the {tickers} tickers with slot data ({ratio:P1}) got averages (minimum {settings.MinSuccessRatio:P0})"));
        }

        if (presentAfter != count)
        {
            problems.Add($"read back: {presentAfter} rvol:hist:avg hashes{OfShard(shard)} in Redis, {count} written");
        }

        if (!ttlHolds)
        {
            problems.Add($"read back: the hashes have no TTL of at most {settings.Ttl}");
        }

        var verdict = problems.Count == 0
            ? $"{count} hashes for {tickers} tickers{OfShard(shard)}, lookbacks [{string.Join(", ", lookbacks)}] ({tally.ShortHistory} averaged over fewer days than their lookback), TTL {settings.Ttl}; {stale} stale hashes removed"
            : string.Join("; ", problems);
        return StepResult.Done(new StepValidation(problems.Count == 0, verdict), result);
    }

    /// <summary>The marker of a shard's hashes: <see cref="MarkerKey"/> undivided, else one per shard and shard count.</summary>
    public static string MarkerKeyOf(SymbolShard shard) =>
        shard.IsAll ? MarkerKey : string.Create(CultureInfo.InvariantCulture, $"{MarkerKey}:{shard.Index}:{shard.Count}");

    /// <summary>The symbol of <c>rvol:hist:avg:{SYMBOL}:{days}</c>.</summary>
    public static string SymbolOf(RedisKey key)
    {
        var text = key.ToString();
        var end = text.LastIndexOf(':');
        var prefix = KeyPattern.Length - 1;
        return end > prefix ? text[prefix..end] : "";
    }

    private static string OfShard(SymbolShard shard) => shard.IsAll ? "" : $" of shard {shard}";

    /// <summary>
    /// The symbols' slot histories over <paramref name="days"/>, read on their own task: the store streams the rows (the
    /// database and the driver on one core) while the caller computes averages and writes to Redis (on the other). The
    /// channel bounds what is read ahead to a few hundred symbols.
    /// </summary>
    private async IAsyncEnumerable<VolumeSlotHistory> ReadHistoriesAsync(DateOnly[] days, IReadOnlyCollection<string>? symbols, [EnumeratorCancellation] CancellationToken ct)
    {
        if (days.Length == 0)
        {
            yield break;
        }

        var histories = Channel.CreateBounded<VolumeSlotHistory>(new BoundedChannelOptions(ReadAhead) { SingleReader = true, SingleWriter = true });
        // Stops the reader (and frees its connection) when the caller stops early: it would otherwise wait on a full channel.
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = Task.Run(() => ReadIntoAsync(histories.Writer, days, symbols, stopReading.Token), stopReading.Token);
        try
        {
            await foreach (var history in histories.Reader.ReadAllAsync(ct))
            {
                yield return history;
            }

            await reading;
        }
        finally
        {
            await stopReading.CancelAsync();
        }
    }

    private async Task ReadIntoAsync(ChannelWriter<VolumeSlotHistory> writer, IReadOnlyCollection<DateOnly> days, IReadOnlyCollection<string>? symbols, CancellationToken ct)
    {
        try
        {
            await foreach (var history in store.ReadAccumulatedVolumeHistoryAsync(days, symbols, ct))
            {
                await writer.WriteAsync(history, ct);
            }

            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
            throw;
        }
    }

    /// <summary>The <c>rvol:hist:avg:*</c> hashes of the shard's symbols in Redis.</summary>
    private async Task<long> CountShardKeysAsync(SymbolShard shard, CancellationToken ct)
    {
        if (shard.IsAll)
        {
            return await redis.CountByPatternAsync(KeyPattern, ct);
        }

        long count = 0;
        await foreach (var key in redis.ScanAsync(KeyPattern, ct))
        {
            if (shard.Contains(SymbolOf(key)))
            {
                count++;
            }
        }

        return count;
    }
}
