using System.Runtime.CompilerServices;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Maintenance.Data.Storage;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

public sealed class EnrichMetadataTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private const string TickersTable = "SELECT symbol, name, exchange, type, active, market_cap, float_shares, shares_outstanding, sector, industry, cik, first_seen, updated_at FROM tickers ORDER BY symbol";

    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task Fills_the_providers_metadata_of_every_active_ticker_and_a_second_run_skips()
    {
        var worker = await PrepareAsync(Settings());

        var enriched = await RunAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));
        var afterFirst = await DumpAsync(TickersTable);
        var again = await RunAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));

        var universe = SampleUniverse.Create(SampleFiles.Tickers, SampleFiles.Seed);
        var rows = await DumpAsync("SELECT symbol, shares_outstanding, float_shares, industry, cik, market_cap > 0, sector IS NOT NULL FROM tickers ORDER BY symbol");
        var expected = rows.Select(r => r.Split('|')[0]).Select(symbol => universe.Find(symbol)!)
            .Select(t => $"{t.Symbol}|{t.SharesOutstanding}|{t.FloatShares}|{t.SicDescription ?? "null"}|{t.Cik}|1|{(t.SicCode is null ? 0 : 1)}");
        Assert.Equal(expected, rows);
        Assert.True(enriched.Validation.Passed, enriched.Validation.Verdict);
        Assert.Equal(rows.Count, enriched.Metrics["enriched"]);
        Assert.Equal(0, enriched.Metrics["failed"]);
        Assert.True(again.Skipped, again.Validation.Verdict);
        Assert.Equal(afterFirst, await DumpAsync(TickersTable));
    }

    [Fact]
    public async Task Metadata_older_than_max_age_is_fetched_again_and_then_counts_as_fresh()
    {
        var settings = Settings();
        settings["Tasks:EnrichMetadata:MaxAge"] = "00:00:02";
        var worker = await PrepareAsync(settings);
        await RunAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));
        var stampedFirst = await DumpAsync("SELECT min(updated_at) FROM tickers");
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

        // Nothing changed at the provider, yet the metadata is re-checked and stamped, so it is fresh for MaxAge again.
        var refreshed = await RunAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));
        var fresh = await RunAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));

        Assert.False(refreshed.Skipped);
        Assert.Equal(refreshed.Metrics["active_tickers"], refreshed.Metrics["due"]);
        Assert.NotEqual(stampedFirst, await DumpAsync("SELECT min(updated_at) FROM tickers"));
        Assert.True(fresh.Skipped, fresh.Validation.Verdict);
    }

    [Fact]
    public async Task Provider_failures_for_a_few_tickers_are_counted_and_the_rest_is_stored()
    {
        var traded = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).Order(StringComparer.Ordinal).ToList();
        var failing = traded.Take(3).ToHashSet();
        var worker = await PrepareAsync(Settings(), failing);

        var enriched = await RunAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));

        Assert.True(enriched.Validation.Passed, enriched.Validation.Verdict);
        Assert.Equal(3, enriched.Metrics["failed"]);
        Assert.Equal(3, enriched.Metrics["failed.HttpRequestException"]);
        Assert.Equal(traded.Count - 3, enriched.Metrics["enriched"]);
        var withoutMetadata = await DumpAsync("SELECT symbol FROM tickers WHERE shares_outstanding IS NULL ORDER BY symbol");
        Assert.Equal(failing.Order(StringComparer.Ordinal), withoutMetadata);
    }

    [Fact]
    public async Task Too_many_provider_failures_fail_validation_with_the_counts()
    {
        var traded = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).Order(StringComparer.Ordinal).ToList();
        var worker = await PrepareAsync(Settings(), traded.Take(10).ToHashSet());

        var failed = await RunToFailureAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));

        Assert.False(failed.Retryable);
        Assert.Contains($"{traded.Count - 10} enriched", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("10 failed", failed.Reason, StringComparison.Ordinal);
        // What did answer is kept.
        Assert.Equal(traded.Count - 10, (await DumpAsync("SELECT symbol FROM tickers WHERE shares_outstanding IS NOT NULL")).Count);
    }

    [Fact]
    public async Task Details_are_asked_side_by_side_each_due_ticker_once_and_none_is_lost()
    {
        var slow = new SlowDetails();
        var worker = await PrepareAsync(Settings(), inner => slow.Over(inner));

        var enriched = await RunAsync(worker, MaintenanceStep.EnrichMetadata, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.EnrichMetadata, false));

        var traded = FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, Target)).Select(r => r.Ticker).Order(StringComparer.Ordinal).ToList();
        Assert.True(enriched.Validation.Passed, enriched.Validation.Verdict);
        Assert.Equal(traded, slow.Asked.Keys.Order(StringComparer.Ordinal));
        Assert.All(slow.Asked.Values, n => Assert.Equal(1, n));
        Assert.Equal(traded.Count, enriched.Metrics["enriched"]);
        Assert.Empty(await DumpAsync("SELECT symbol FROM tickers WHERE shares_outstanding IS NULL"));
        // At least the REST client's default of 8 on the wire: the step must not be what limits the calls.
        Assert.True(slow.MostAtOnce >= 8, $"at most {slow.MostAtOnce} calls at once");
    }

    private Task<TaskWorker> PrepareAsync(Dictionary<string, string?> settings, IReadOnlySet<string>? failFor = null) =>
        PrepareAsync(settings, failFor is null ? null : inner => new FailingDetails(inner, failFor));

    private async Task<TaskWorker> PrepareAsync(Dictionary<string, string?> settings, Func<IMarketDataSource, IMarketDataSource>? wrap)
    {
        settings["Tasks:EnrichMetadata:RateLimit"] = "1000";
        Action<IServiceCollection>? replace = wrap is null
            ? null
            : services =>
            {
                var original = services.Last(d => d.ServiceType == typeof(IMarketDataSource));
                services.AddSingleton<IMarketDataSource>(sp => wrap((IMarketDataSource)original.ImplementationFactory!(sp)));
            };
        var worker = await StartWorkerAsync(settings, true, replace, MaintenanceStep.LoadOhlc, MaintenanceStep.RecoverMissingTickers, MaintenanceStep.EnrichMetadata);
        await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));
        await RunAsync(worker, MaintenanceStep.RecoverMissingTickers, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.RecoverMissingTickers, false));
        return worker;
    }

    /// <summary>The sample provider with ticker details that take 100 ms each; counts the calls and the most at once.</summary>
    private sealed class SlowDetails
    {
        private int _atOnce;
        private int _mostAtOnce;

        public System.Collections.Concurrent.ConcurrentDictionary<string, int> Asked { get; } = new(StringComparer.Ordinal);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public DelegatingDetails Over(IMarketDataSource inner) => new DelegatingDetails(inner, AskAsync);

        private async Task<Ticker?> AskAsync(IMarketDataSource inner, string symbol, CancellationToken ct)
        {
            Asked.AddOrUpdate(symbol, 1, (_, n) => n + 1);
            var now = Interlocked.Increment(ref _atOnce);
            int seen;
            while (now > (seen = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, seen) != seen)
            {
            }

            try
            {
                await Task.Delay(100, ct);
                return await inner.GetTickerDetailsAsync(symbol, ct);
            }
            finally
            {
                Interlocked.Decrement(ref _atOnce);
            }
        }
    }

    private sealed class DelegatingDetails(IMarketDataSource inner, Func<IMarketDataSource, string, CancellationToken, Task<Ticker?>> details) : IMarketDataSource
    {
        public bool HasDailyBars(DateOnly day) => inner.HasDailyBars(day);

        public bool HasMinuteBars(DateOnly day) => inner.HasMinuteBars(day);

        public Task<DailyBarsResult> GetDailyBarsAsync(DateOnly day, CancellationToken cancellationToken = default) => inner.GetDailyBarsAsync(day, cancellationToken);

        public IAsyncEnumerable<TickerMinuteBars> ReadMinuteBarsAsync(DateOnly day, SkippedRows skipped, CancellationToken cancellationToken = default) =>
            inner.ReadMinuteBarsAsync(day, skipped, cancellationToken);

        public Task<Ticker?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default) => details(inner, symbol, cancellationToken);

        public IAsyncEnumerable<TickerInfo> ListTickersAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default) =>
            inner.ListTickersAsync(asOf, cancellationToken);
    }

    /// <summary>The sample provider, except that ticker details of some symbols fail as an overloaded HTTP API would.</summary>
    private sealed class FailingDetails(IMarketDataSource inner, IReadOnlySet<string> failFor) : IMarketDataSource
    {
        public bool HasDailyBars(DateOnly day) => inner.HasDailyBars(day);

        public bool HasMinuteBars(DateOnly day) => inner.HasMinuteBars(day);

        public Task<DailyBarsResult> GetDailyBarsAsync(DateOnly day, CancellationToken cancellationToken = default) => inner.GetDailyBarsAsync(day, cancellationToken);

        public IAsyncEnumerable<TickerMinuteBars> ReadMinuteBarsAsync(DateOnly day, SkippedRows skipped, CancellationToken cancellationToken = default) =>
            inner.ReadMinuteBarsAsync(day, skipped, cancellationToken);

        public Task<Ticker?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default) =>
            failFor.Contains(symbol)
                ? throw new HttpRequestException($"503 Service Unavailable for {symbol}")
                : inner.GetTickerDetailsAsync(symbol, cancellationToken);

        public IAsyncEnumerable<TickerInfo> ListTickersAsync(DateOnly? asOf = null, CancellationToken cancellationToken = default) =>
            inner.ListTickersAsync(asOf, cancellationToken);
    }
}
