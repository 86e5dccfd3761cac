// Longer than 250 lines: one client of Polygon's REST API: its endpoints share paging, errors and rate limits.
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Maintenance.Core;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Maintenance.Data.Storage;

namespace Maintenance.Data.MarketData.PolygonRest;

/// <summary>
/// Polygon's REST endpoints the maintenance needs. Retries, backoff, Retry-After, timeouts and the
/// concurrency bound come from the resilience handler of the named <see cref="HttpClient"/>
/// (registered by <see cref="MarketDataServiceCollectionExtensions.AddMarketData"/>). The API key travels in the
/// Authorization header, so no URL — logged or in an error — ever carries it; a <c>next_url</c> is
/// followed on the configured host only (its path and query, with any <c>apiKey</c> removed).
/// </summary>
public sealed class PolygonRestClient
{
    private const int MinuteBarsPageLimit = 50_000;
    private const int TickersPageLimit = 1000;
    private const int BodySnippetLength = 300;

    /// <summary>The name of the <see cref="HttpClient"/> (with its resilience handler) in the client factory.</summary>
    public const string HttpClientName = "polygon";

    private readonly IHttpClientFactory _httpClients;
    private readonly PolygonRestOptions _options;
    private readonly ILogger<PolygonRestClient> _logger;

    public PolygonRestClient(IHttpClientFactory httpClients, PolygonRestOptions options, ILogger<PolygonRestClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new InvalidOperationException("MarketData:PolygonApiKey is not configured; the Polygon REST source needs it.");
        }

        _httpClients = httpClients;
        _options = options;
        _logger = logger;
    }

    /// <summary>The whole market's day aggregates of <paramref name="day"/>, one call.</summary>
    /// <exception cref="MarketDataMissingException">Polygon has no aggregates for the day (not a trading day, or not published yet).</exception>
    public async Task<DailyBarsResult> GetGroupedDailyAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var path = $"/v2/aggs/grouped/locale/us/market/stocks/{day:yyyy-MM-dd}?adjusted=true";
        var page = await GetAsync<PolygonAggregatesPage>(path, cancellationToken)
            ?? throw new MarketDataException($"GET {path}: the answer is empty.");
        if (page.Results is not { Length: > 0 })
        {
            throw new MarketDataMissingException(
                $"GET {path}: no grouped daily aggregates for {day:yyyy-MM-dd} (status {page.Status ?? "none"}): not a trading day, or not published yet.")
            {
                Location = path,
            };
        }

        // Grouped daily 't' is the end of the day's window (16:00 or 20:00 New York, or midnight after it);
        // any instant from the day's start through its end belongs to this day.
        var dayStart = TradingCalendar.AtNewYork(day, TimeOnly.MinValue).ToUnixTimeMilliseconds();
        var dayEnd = TradingCalendar.AtNewYork(day.AddDays(1), TimeOnly.MinValue).ToUnixTimeMilliseconds();
        var skipped = new SkippedRows();
        var bars = new List<DailyBar>(page.Results.Length);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < page.Results.Length; i++)
        {
            var result = page.Results[i];
            var problem = ProblemOf(result, requireTicker: true)
                ?? (result.Timestamp < dayStart || result.Timestamp > dayEnd
                    ? string.Create(CultureInfo.InvariantCulture, $"t: {result.Timestamp} ms is not within {day:yyyy-MM-dd} (America/New_York)")
                    : null)
                ?? (!seen.Add(result.Ticker!) ? $"duplicate: {result.Ticker} appears twice" : null);
            if (problem is not null)
            {
                skipped.Add(path, 0, $"{problem} (result {i})");
                continue;
            }

            bars.Add(new DailyBar(
                result.Ticker!,
                day,
                result.Open!.Value,
                result.High!.Value,
                result.Low!.Value,
                result.Close!.Value,
                (long)Math.Round(result.Volume!.Value),
                result.Vwap,
                (int)Math.Clamp(result.Transactions ?? 0, 0, int.MaxValue)));
        }

        _logger.LogInformation("Polygon grouped daily {Day}: {Bars} bars, {Skipped} skipped", day, bars.Count, skipped.Count);
        return new DailyBarsResult(day, bars, skipped);
    }

    /// <summary>One ticker's minute bars of <paramref name="day"/> (04:00-20:00 New York), following <c>next_url</c>.</summary>
    public async Task<TickerMinuteBars> GetMinuteBarsAsync(string symbol, DateOnly day, SkippedRows skipped, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentNullException.ThrowIfNull(skipped);
        var from = TradingCalendar.AtNewYork(day, TimeOnly.MinValue).ToUnixTimeMilliseconds();
        var to = TradingCalendar.AtNewYork(day.AddDays(1), TimeOnly.MinValue).ToUnixTimeMilliseconds() - 1;
        string? path = string.Create(
            CultureInfo.InvariantCulture,
            $"/v2/aggs/ticker/{Uri.EscapeDataString(symbol)}/range/1/minute/{from}/{to}?adjusted=true&sort=asc&limit={MinuteBarsPageLimit}");
        var bars = new List<MinuteBar>(1024);
        var pages = 0;
        while (path is not null)
        {
            var page = await GetAsync<PolygonAggregatesPage>(path, cancellationToken, about: $"{symbol}'s minute bars of {day:yyyy-MM-dd}")
                ?? throw new MarketDataException($"{symbol}'s minute bars of {day:yyyy-MM-dd}: GET {path}: the answer is empty.");
            pages++;
            var results = page.Results ?? [];
            for (var i = 0; i < results.Length; i++)
            {
                var result = results[i];
                var problem = ProblemOf(result, requireTicker: false)
                    ?? (result.Timestamp < from || result.Timestamp > to
                        ? string.Create(CultureInfo.InvariantCulture, $"t: {result.Timestamp} ms is not within {day:yyyy-MM-dd} (America/New_York)")
                        : null)
                    ?? (bars.Count > 0 && DateTime.UnixEpoch.AddMilliseconds(result.Timestamp!.Value) <= bars[^1].StartUtc
                        ? string.Create(CultureInfo.InvariantCulture, $"order: t {result.Timestamp} is not after the previous bar")
                        : null);
                if (problem is not null)
                {
                    skipped.Add(path, 0, $"{problem} ({symbol}, result {i})");
                    continue;
                }

                bars.Add(new MinuteBar(
                    DateTime.UnixEpoch.AddMilliseconds(result.Timestamp!.Value),
                    result.Open!.Value,
                    result.High!.Value,
                    result.Low!.Value,
                    result.Close!.Value,
                    (long)Math.Round(result.Volume!.Value),
                    (int)Math.Clamp(result.Transactions ?? 0, 0, int.MaxValue)));
            }

            path = NextPath(page.NextUrl);
        }

        _logger.LogDebug("Polygon minute bars {Symbol} {Day}: {Bars} bars in {Pages} page(s)", symbol, day, bars.Count, pages);
        return new TickerMinuteBars(symbol, day, [.. bars]);
    }

    /// <summary>Ticker details v3, or null when Polygon does not know the ticker (404).</summary>
    public async Task<Ticker?> GetTickerDetailsAsync(string symbol, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        var path = $"/v3/reference/tickers/{Uri.EscapeDataString(symbol)}";
        var page = await GetAsync<PolygonTickerDetailsPage>(path, cancellationToken, notFoundIsNull: true, about: $"{symbol}'s ticker details");
        if (page?.Results is not { } result)
        {
            return null;
        }

        return new Ticker
        {
            Symbol = result.Ticker ?? symbol,
            Name = result.Name,
            Exchange = result.PrimaryExchange,
            Type = result.Type,
            Active = result.Active ?? true,
            MarketCap = result.MarketCap,
            SharesOutstanding = ToShares(result.ShareClassSharesOutstanding) ?? ToShares(result.WeightedSharesOutstanding),
            Sector = SicSectors.SectorOf(result.SicCode),
            Industry = result.SicDescription,
            Cik = result.Cik,
            Description = result.Description,
            HomepageUrl = result.HomepageUrl,
            PhoneNumber = result.PhoneNumber,
            Address1 = result.Address?.Address1,
            City = result.Address?.City,
            State = result.Address?.State,
            PostalCode = result.Address?.PostalCode,
            TotalEmployees = ToCount(result.TotalEmployees),
            ListDate = DateOnly.TryParseExact(result.ListDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var listed) ? listed : null,
            LogoUrl = result.Branding?.LogoUrl,
            IconUrl = result.Branding?.IconUrl,
            CompositeFigi = result.CompositeFigi,
            ShareClassFigi = result.ShareClassFigi,
            TickerRoot = result.TickerRoot,
            TickerSuffix = result.TickerSuffix,
            CurrencyName = result.CurrencyName,
            Locale = result.Locale,
            Market = result.Market,
            RoundLot = ToCount(result.RoundLot),
            DelistedUtc = DateTimeOffset.TryParse(result.DelistedUtc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var delisted)
                ? delisted
                : null,
        };
    }

    /// <summary>Active stock tickers (as of <paramref name="asOf"/> when given), page after page.</summary>
    public async IAsyncEnumerable<TickerInfo> ListTickersAsync(DateOnly? asOf = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? path = $"/v3/reference/tickers?market=stocks&active=true&limit={TickersPageLimit}" +
            (asOf is { } date ? $"&date={date:yyyy-MM-dd}" : "");
        while (path is not null)
        {
            var page = await GetAsync<PolygonTickersPage>(path, cancellationToken)
                ?? throw new MarketDataException($"GET {path}: the answer is empty.");
            foreach (var ticker in page.Results ?? [])
            {
                if (!string.IsNullOrWhiteSpace(ticker.Ticker))
                {
                    yield return new TickerInfo(ticker.Ticker, ticker.Name, ticker.PrimaryExchange, ticker.Type, ticker.Active ?? true, ticker.Cik);
                }
            }

            path = NextPath(page.NextUrl);
        }
    }

    /// <summary>
    /// The path and query of a <c>next_url</c> to request from the configured base URL, without any
    /// <c>apiKey</c> parameter (the key goes in the header): following it never sends the key elsewhere.
    /// </summary>
    internal static string? NextPath(string? nextUrl)
    {
        if (string.IsNullOrWhiteSpace(nextUrl))
        {
            return null;
        }

        if (!Uri.TryCreate(nextUrl, UriKind.Absolute, out var uri))
        {
            throw new MarketDataException($"next_url '{WithoutApiKey(nextUrl)}' is not an absolute URL.");
        }

        var query = string.Join('&', uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("apiKey=", StringComparison.OrdinalIgnoreCase) && !p.Equals("apiKey", StringComparison.OrdinalIgnoreCase)));
        return query.Length == 0 ? uri.AbsolutePath : $"{uri.AbsolutePath}?{query}";
    }

    /// <summary><paramref name="text"/> with the value of any <c>apiKey</c> parameter replaced, for messages.</summary>
    internal static string WithoutApiKey(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "(?i)(apiKey=)[^&\\s]*", "$1***");

    // A count Polygon may send as 1200 or 1200.0; anything unusable is unknown rather than a failed ticker.
    private static int? ToCount(double? value) =>
        value is { } v && double.IsFinite(v) && v >= 0 && v <= int.MaxValue ? (int)Math.Round(v) : null;

    private static long? ToShares(double? value) =>
        value is { } v && double.IsFinite(v) && v >= 0 ? (long)Math.Round(v) : null;

    /// <summary>Why an aggregate cannot be used, or null when it can.</summary>
    private static string? ProblemOf(PolygonAggregate result, bool requireTicker)
    {
        if (requireTicker && string.IsNullOrWhiteSpace(result.Ticker))
        {
            return "T: missing";
        }

        if (result.Open is null || result.High is null || result.Low is null || result.Close is null)
        {
            return "price: o, h, l and c are required";
        }

        if (!IsPrice(result.Open.Value) || !IsPrice(result.High.Value) || !IsPrice(result.Low.Value) || !IsPrice(result.Close.Value))
        {
            return string.Create(CultureInfo.InvariantCulture, $"price: o {result.Open}, h {result.High}, l {result.Low}, c {result.Close} must all be positive");
        }

        if (result.Volume is not { } volume || volume < 0 || !double.IsFinite(volume))
        {
            return string.Create(CultureInfo.InvariantCulture, $"v: {result.Volume?.ToString(CultureInfo.InvariantCulture) ?? "missing"} is not a volume");
        }

        return result.Timestamp is null ? "t: missing" : null;
    }

    private static bool IsPrice(double value) => value > 0 && double.IsFinite(value);

    /// <param name="about">What the request is for (e.g. "AAPL's ticker details"), put before any error's message.</param>
    private async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken, bool notFoundIsNull = false, string? about = null)
        where T : class
    {
        try
        {
            return await SendAsync<T>(path, notFoundIsNull, cancellationToken);
        }
        catch (MarketDataException e) when (about is not null)
        {
            throw new MarketDataException($"{about}: {e.Message}", e) { Transient = e.Transient };
        }
    }

    private async Task<T?> SendAsync<T>(string path, bool notFoundIsNull, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        HttpResponseMessage response;
        try
        {
            // The whole body is read here, under the client's overall timeout, so a server that stalls
            // half-way through an answer cannot hang the caller.
            response = await _httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new MarketDataException(
                $"GET {path} timed out (each attempt {_options.AttemptTimeout.TotalSeconds:0.###} s, in all {_options.TotalTimeout.TotalSeconds:0.###} s, {_options.MaxRetries} retries).",
                ex)
            { Transient = true };
        }
        catch (BrokenCircuitException ex)
        {
            throw new MarketDataException($"GET {path} not sent: Polygon failed too often just now (circuit open); try again later.", ex) { Transient = true };
        }
        catch (RateLimiterRejectedException ex)
        {
            throw new MarketDataException($"GET {path} not sent: too many requests queued.", ex) { Transient = true };
        }
        catch (HttpRequestException ex)
        {
            throw new MarketDataException($"GET {path} failed (retried up to {_options.MaxRetries} times): {ex.Message}", ex) { Transient = true };
        }

        using (response)
        {
            if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                var body = await ReadSnippetAsync(response, cancellationToken);
                var status = (int)response.StatusCode;
                var transient = status == 429 || status >= 500;
                var afterRetries = transient ? $" after {_options.MaxRetries} retries" : "";
                throw new MarketDataException(
                    $"GET {path} failed{afterRetries}: {status} {response.ReasonPhrase}: {body}")
                { Transient = transient };
            }

            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                return await JsonSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                throw new MarketDataException(
                    $"GET {path}: the answer is not complete JSON ({ex.Message}); it may have been cut off.",
                    ex)
                { Transient = true };
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw new MarketDataException($"GET {path}: the answer broke off while reading it: {ex.Message}", ex) { Transient = true };
            }
        }
    }

    private async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            body = WithoutApiKey(body.ReplaceLineEndings(" ").Trim()).Replace(_options.ApiKey!, "***", StringComparison.Ordinal);
            return body.Length == 0 ? "(empty body)"
                : body.Length <= BodySnippetLength ? body
                : new StringBuilder(body, 0, BodySnippetLength, BodySnippetLength + 3).Append("...").ToString();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return $"(body unreadable: {ex.Message})";
        }
    }
}
