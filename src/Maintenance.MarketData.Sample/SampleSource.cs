using System.Globalization;
using System.Runtime.CompilerServices;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Maintenance.Data.Storage;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.MarketData.Sample;

/// <summary>
/// The sample market as a source: any trading day asked for is generated on first use into
/// <c>{folder}/seed-{seed}-tickers-{n}</c> (so universes never mix) and read back through the flat-file
/// reader. Ticker details are the universe's synthetic reference data, with the market cap at the latest
/// trading day's close.
/// </summary>
public sealed class SampleSource : IMarketDataSource, IDisposable
{
    private readonly TradingCalendar _calendar;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FlatFilesSource _files;
    private readonly Lazy<SampleUniverse> _universe;
    private readonly SemaphoreSlim _generating = new(1, 1);

    public SampleSource(string folder, int tickers, int seed, TradingCalendar calendar, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tickers);
        loggers ??= NullLoggerFactory.Instance;
        Tickers = tickers;
        Seed = seed;
        _calendar = calendar;
        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger<SampleSource>();
        var root = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"seed-{seed}-tickers-{tickers}"));
        _files = new FlatFilesSource(new FlatFileLayout(root), calendar, loggers.CreateLogger<FlatFilesSource>());
        _universe = new Lazy<SampleUniverse>(() => SampleUniverse.Create(tickers, seed));
    }

    public int Tickers { get; }

    public int Seed { get; }

    /// <summary>Where the generated files are.</summary>
    public FlatFileLayout Layout => _files.Layout;

    public SampleUniverse Universe => _universe.Value;

    /// <summary>Every trading day can be generated.</summary>
    public bool HasDailyBars(DateOnly day) => IsTradingDay(day);

    public bool HasMinuteBars(DateOnly day) => IsTradingDay(day);

    public async Task<DailyBarsResult> GetDailyBarsAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        await EnsureDayAsync(day, cancellationToken);
        return await _files.GetDailyBarsAsync(day, cancellationToken);
    }

    public async IAsyncEnumerable<TickerMinuteBars> ReadMinuteBarsAsync(
        DateOnly day,
        SkippedRows skipped,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureDayAsync(day, cancellationToken);
        await foreach (var bars in _files.ReadMinuteBarsAsync(day, skipped, cancellationToken))
        {
            yield return bars;
        }
    }

    public Task<Ticker?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default)
    {
        if (Universe.Find(symbol) is not { } ticker)
        {
            return Task.FromResult<Ticker?>(null);
        }

        var asOf = LatestTradingDay();
        var price = SamplePrices.Close(ticker, Seed, asOf);
        var details = new Ticker
        {
            Symbol = ticker.Symbol,
            Name = ticker.Name,
            Exchange = ticker.Exchange,
            Type = ticker.Type,
            Active = ticker.DelistedAfter is null || ticker.DelistedAfter >= asOf,
            MarketCap = Math.Round(price * ticker.SharesOutstanding, 2),
            SharesOutstanding = ticker.SharesOutstanding,
            FloatShares = ticker.FloatShares,
            Sector = SicSectors.SectorOf(ticker.SicCode),
            Industry = ticker.SicDescription,
            Cik = ticker.Cik,
        };
        return Task.FromResult<Ticker?>(SampleProfiles.WithProfile(details, ticker, Seed, asOf));
    }

    public async IAsyncEnumerable<TickerInfo> ListTickersAsync(
        DateOnly? asOf = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        var day = asOf ?? LatestTradingDay();
        foreach (var ticker in Universe.Tickers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ticker.IsListedOn(day))
            {
                yield return new TickerInfo(ticker.Symbol, ticker.Name, ticker.Exchange, ticker.Type, true, ticker.Cik);
            }
        }
    }

    /// <summary>Generates <paramref name="day"/>'s files unless they are there already.</summary>
    /// <exception cref="MarketDataMissingException"><paramref name="day"/> is not a trading day.</exception>
    public async Task EnsureDayAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        if (!IsTradingDay(day))
        {
            throw new MarketDataMissingException($"The sample market has no data for {day:yyyy-MM-dd}: it is not a trading day.")
            {
                Location = Layout.DayAggregatesPath(day),
            };
        }

        if (HasFiles(day))
        {
            return;
        }

        await _generating.WaitAsync(cancellationToken);
        try
        {
            if (HasFiles(day))
            {
                return;
            }

            var started = _time.GetTimestamp();
            var (daily, minute) = await SampleMarket.WriteDayAsync(Layout, Universe, _calendar.Session(day), cancellationToken);
            _logger.LogInformation(
                "Generated sample market data for {Day}: {DailyBars} day bars, {MinuteBars} minute bars in {Seconds:F1} s under {Folder}",
                day,
                daily,
                minute,
                _time.GetElapsedTime(started).TotalSeconds,
                Layout.Root);
        }
        finally
        {
            _generating.Release();
        }
    }

    public void Dispose() => _generating.Dispose();

    private bool HasFiles(DateOnly day) => _files.HasDailyBars(day) && _files.HasMinuteBars(day);

    private bool IsTradingDay(DateOnly day) =>
        day >= TradingCalendar.FirstDate && day <= TradingCalendar.LastDate && _calendar.IsTradingDay(day);

    /// <summary>The latest trading day whose session has ended in New York.</summary>
    private DateOnly LatestTradingDay()
    {
        var now = _time.GetUtcNow();
        var today = TradingCalendar.NewYorkDate(now);
        if (_calendar.IsTradingDay(today) && _calendar.Session(today).AfterHoursEnd <= now)
        {
            return today;
        }

        return _calendar.PreviousTradingDay(today);
    }
}
