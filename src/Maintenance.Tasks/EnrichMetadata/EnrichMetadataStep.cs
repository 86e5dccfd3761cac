using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using Maintenance.Data;
using Maintenance.Data.MarketData;
using Maintenance.Data.Schema;
using Microsoft.EntityFrameworkCore;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.EnrichMetadata;

/// <summary>
/// Fetches the ticker details (market cap, float, shares outstanding, sector, industry, CIK and the rest of Polygon's
/// ticker details v3 that the scanners' metadata carries: description, address, FIGIs, list date, branding, ...) from
/// the provider for the active tickers whose metadata is missing or older than Tasks:EnrichMetadata:MaxAge (every active ticker with <c>Force</c>), at
/// most RateLimit calls per second. A provider failure for some tickers is counted, not fatal, unless fewer than
/// MinSuccessRatio of the calls answered. Nothing due: skipped.
/// </summary>
public sealed class EnrichMetadataStep(
    IMarketStore store,
    MaintenanceDbContext database,
    IMarketDataSource source,
    TimeProvider clock,
    IOptions<EnrichMetadataOptions> options,
    ILogger<EnrichMetadataStep> logger)
    : IStepService
{
    private const int TickersPerWrite = 500;

    public static MaintenanceStep Kind => MaintenanceStep.EnrichMetadata;

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        TasksRegistration.AddOptions<EnrichMetadataOptions>(services, configuration, EnrichMetadataOptions.Section, o => o.Problem());
    }

    /// <summary>
    /// True when the ticker has none of the provider's metadata, never had the full ticker details (no
    /// <see cref="Ticker.Market"/>, which Polygon always sends: rows enriched before the details were stored), or its
    /// metadata is older than <paramref name="maxAge"/>.
    /// </summary>
    public static bool IsDue(Ticker ticker, DateTimeOffset now, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        var missing = ticker.MarketCap is null && ticker.SharesOutstanding is null && ticker.FloatShares is null
            && ticker.Sector is null && ticker.Industry is null;
        return missing || ticker.Market is null || ticker.UpdatedAt < now - maxAge;
    }

    public async Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var active = 0;
        var due = new List<string>();
        await foreach (var ticker in store.ReadTickersAsync(activeOnly: true, cancellationToken))
        {
            active++;
            if (command.Force || IsDue(ticker, now, settings.MaxAge))
            {
                due.Add(ticker.Symbol);
            }
        }

        var metrics = new StepMetrics { ["active_tickers"] = active, ["due"] = due.Count };
        if (due.Count == 0)
        {
            return StepResult.AlreadyDone($"metadata of all {active} active tickers is present and younger than {settings.MaxAge}", metrics);
        }

        long notFound = 0, failed = 0, done = 0, written = 0;
        var failures = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        string? firstFailure = null;
        using var limiter = RateLimiterFor(settings.RateLimit);

        // One stream over every due ticker, written 500 at a time as the answers come in: with a barrier every 500
        // tickers, one slow answer or Retry-After stalled all the others until it came.
        var found = Channel.CreateBounded<Ticker>(new BoundedChannelOptions(TickersPerWrite) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var fetching = FetchAllAsync(stop.Token);
        try
        {
            var batch = new List<Ticker>(TickersPerWrite);
            await foreach (var ticker in found.Reader.ReadAllAsync(cancellationToken))
            {
                batch.Add(ticker);
                if (batch.Count == TickersPerWrite)
                {
                    await WriteAsync(batch);
                }
            }

            await WriteAsync(batch);
            await fetching;
        }
        finally
        {
            await stop.CancelAsync();
            await fetching.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        progress.Report(Interlocked.Read(ref done), due.Count, "tickers");

        async Task FetchAllAsync(CancellationToken ct)
        {
            try
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency, CancellationToken = ct };
                await Parallel.ForEachAsync(due, parallel, async (symbol, token) =>
                {
                    using var lease = await limiter.AcquireAsync(1, token);
                    try
                    {
                        var details = await source.GetTickerDetailsAsync(symbol, token);
                        if (details is null)
                        {
                            Interlocked.Increment(ref notFound);
                        }
                        else
                        {
                            // Only an active ticker is enriched: the provider's flag is reference data, RecoverMissingTickers owns activity.
                            await found.Writer.WriteAsync(details with { Active = true }, token);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One ticker's failure (after the source's own retries) must not lose the others' metadata.
                        Interlocked.Increment(ref failed);
                        failures.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                        Interlocked.CompareExchange(ref firstFailure, $"{symbol}: {e.Message}", null);
                        logger.LogWarning("No metadata for {Symbol}: {Reason}", symbol, e.Message);
                    }

                    Interlocked.Increment(ref done);
                });
            }
            finally
            {
                found.Writer.Complete();
            }
        }

        // Written batch by batch so a failure later in the run keeps what was already fetched.
        async Task WriteAsync(List<Ticker> batch)
        {
            if (batch.Count > 0)
            {
                written += await store.UpsertTickersAsync(batch.ToAsyncEnumerable(), cancellationToken);
                await MarkCheckedAsync(batch.Select(t => t.Symbol).ToList(), cancellationToken);
                batch.Clear();
            }

            progress.Report(Interlocked.Read(ref done), due.Count, "tickers");
        }

        var answered = due.Count - failed;
        var ratio = (double)answered / due.Count;
        metrics["enriched"] = written;
        metrics["not_found"] = notFound;
        metrics["failed"] = failed;
        metrics["success_ratio"] = Math.Round(ratio, 6);
        metrics.AddCounts("failed", failures);

        var passed = ratio >= settings.MinSuccessRatio;
        var verdict = string.Create(
            CultureInfo.InvariantCulture,
            $"{due.Count} due of {active} active: {written} enriched, {notFound} unknown to the provider, {failed} failed ({ratio:P1} answered, minimum {settings.MinSuccessRatio:P0})");
        if (firstFailure is not null)
        {
            verdict += $"; first failure {firstFailure}";
        }

        return StepResult.Done(new StepValidation(passed, verdict), metrics);
    }

    /// <summary>
    /// The store moves <c>updated_at</c> only when a value changes; metadata the provider confirmed unchanged is fresh
    /// too, and without this it would be due again every day once older than MaxAge.
    /// </summary>
    private async Task MarkCheckedAsync(List<string> symbols, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var chunk in symbols.Chunk(1000))
        {
            await database.Tickers
                .Where(t => chunk.Contains(t.Symbol))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UpdatedAt, now), ct);
        }
    }

    /// <summary>
    /// At most <paramref name="perSecond"/> calls per second, evenly spread: tokens refill every 100 ms (or every
    /// 1/rate seconds below 10 per second), and the bucket holds only one refill, so there is no burst.
    /// </summary>
    private static TokenBucketRateLimiter RateLimiterFor(double perSecond)
    {
        var (period, tokens) = perSecond >= 10
            ? (TimeSpan.FromMilliseconds(100), (int)Math.Max(1, Math.Floor(perSecond / 10)))
            : (TimeSpan.FromSeconds(1 / perSecond), 1);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
