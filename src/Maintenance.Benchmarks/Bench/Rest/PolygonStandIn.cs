// Longer than 250 lines: a stand-in for Polygon's REST API (not shipped): every endpoint it answers and its injected trouble in one place.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Benchmarks.Bench.Rest;

/// <summary>
/// A local HTTP server that answers like Polygon's REST API from the bench's sample flat files: grouped daily,
/// per-ticker minute aggregates in pages of <see cref="MinutePageSize"/> linked by <c>next_url</c>, ticker details
/// and the tickers list, the JSON fields the project's client reads. It meets its clients with 429s, 503s and slow
/// answers as <see cref="StandInFaults"/> says.
/// </summary>
public sealed class PolygonStandIn : IAsyncDisposable
{
    /// <summary>Bars per page of minute aggregates: a ticker of the sample's ~200 bars a day takes two or three pages.</summary>
    public const int MinutePageSize = 100;

    private const int TickersPageSize = 1000;

    private readonly WebApplication _app;
    private readonly FlatFilesSource _files;
    private readonly SampleUniverse _universe;
    private readonly ConcurrentDictionary<DateOnly, Lazy<Task<DailyBarsResult>>> _daily = new();
    private readonly ConcurrentDictionary<DateOnly, Lazy<Task<Dictionary<string, MinuteBar[]>>>> _minutes = new();

    private PolygonStandIn(WebApplication app, FlatFileLayout layout, SampleUniverse universe)
    {
        _app = app;
        _files = new FlatFilesSource(layout, TradingCalendar.Nyse);
        _universe = universe;
        _app.Run(AnswerAsync);
    }

    public Uri BaseUrl { get; private set; } = null!;

    public StandInFaults Faults { get; set; } = StandInFaults.Default;

    public StandInCounters Counters { get; } = new();

    public static async Task<PolygonStandIn> StartAsync(FlatFileLayout layout, SampleUniverse universe)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var standIn = new PolygonStandIn(builder.Build(), layout, universe);
        await standIn._app.StartAsync();
        var address = standIn._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        standIn.BaseUrl = new Uri(address);
        return standIn;
    }

    /// <summary>Reads a day's files into memory before the clock runs, as Polygon has them ready.</summary>
    public async Task PrepareAsync(DateOnly day)
    {
        await DailyAsync(day);
        await MinutesAsync(day);
    }

    /// <summary>The path and query of every minute-aggregates page of <paramref name="day"/>, as a client walks them.</summary>
    public async Task<List<string>> MinutePagesAsync(DateOnly day)
    {
        var pages = new List<string>();
        foreach (var (symbol, bars) in (await MinutesAsync(day)).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            for (var offset = 0; offset == 0 || offset < bars.Length; offset += MinutePageSize)
            {
                pages.Add(MinutePath(symbol, day, offset));
            }
        }

        return pages;
    }

    public async Task<int> DailyCountAsync(DateOnly day) => (await DailyAsync(day)).Bars.Count;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string MinutePath(string symbol, DateOnly day, int offset)
    {
        var from = TradingCalendar.AtNewYork(day, TimeOnly.MinValue).ToUnixTimeMilliseconds();
        var to = TradingCalendar.AtNewYork(day.AddDays(1), TimeOnly.MinValue).ToUnixTimeMilliseconds() - 1;
        return string.Create(CultureInfo.InvariantCulture, $"/v2/aggs/ticker/{Uri.EscapeDataString(symbol)}/range/1/minute/{from}/{to}?adjusted=true&sort=asc&limit=50000&cursor={offset}");
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value!.Trim('/').Split('/');
        var minute = segments is ["v2", "aggs", "ticker", _, "range", "1", "minute", _, _];
        var answer = Faults.For(Counters.Next(minute));
        try
        {
            switch (answer)
            {
                case StandInAnswer.RateLimited:
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                    await context.Response.WriteAsync("""{"status":"ERROR","error":"You've exceeded the maximum requests per minute."}""");
                    return;
                case StandInAnswer.Failing:
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    await context.Response.WriteAsync("""{"status":"ERROR","error":"stand-in failure"}""");
                    return;
                case StandInAnswer.Slow:
                    await Task.Delay(Faults.SlowDelay, context.RequestAborted);
                    break;
                default:
                    break;
            }

            context.Response.ContentType = "application/json";
            await (segments switch
            {
                ["v2", "aggs", "grouped", "locale", "us", "market", "stocks", var date] => GroupedAsync(context, Date(date)),
                ["v2", "aggs", "ticker", var symbol, "range", "1", "minute", var from, _] => MinuteAsync(context, Uri.UnescapeDataString(symbol), from),
                ["v3", "reference", "tickers", var symbol] => DetailsAsync(context, Uri.UnescapeDataString(symbol)),
                ["v3", "reference", "tickers"] => TickersAsync(context),
                _ => NotFoundAsync(context),
            });
        }
        finally
        {
            Counters.Answered(answer);
        }
    }

    private async Task GroupedAsync(HttpContext context, DateOnly? day)
    {
        var bars = day is { } d && _files.HasDailyBars(d) ? (await DailyAsync(d)).Bars : [];
        // Polygon's grouped daily 't' is the end of the day's window.
        var end = day is { } e ? TradingCalendar.AtNewYork(e, TradingCalendar.CloseTime).ToUnixTimeMilliseconds() : 0;
        await WriteJsonAsync(context, json =>
        {
            json.WriteString("status", "OK");
            json.WriteNumber("resultsCount", bars.Count);
            json.WriteStartArray("results");
            foreach (var bar in bars)
            {
                json.WriteStartObject();
                json.WriteString("T", bar.Symbol);
                json.WriteNumber("v", bar.Volume);
                json.WriteNumber("o", bar.Open);
                json.WriteNumber("c", bar.Close);
                json.WriteNumber("h", bar.High);
                json.WriteNumber("l", bar.Low);
                json.WriteNumber("t", end);
                json.WriteNumber("n", bar.Trades);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    private async Task MinuteAsync(HttpContext context, string symbol, string fromMs)
    {
        var day = long.TryParse(fromMs, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TradingCalendar.NewYorkDate(DateTimeOffset.FromUnixTimeMilliseconds(ms))
            : default;
        var bars = day != default && _files.HasMinuteBars(day) && (await MinutesAsync(day)).TryGetValue(symbol, out var found) ? found : [];
        var offset = int.TryParse(context.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor : 0;
        var page = bars.AsMemory(Math.Min(offset, bars.Length), Math.Clamp(bars.Length - offset, 0, MinutePageSize));
        var next = offset + MinutePageSize < bars.Length ? new Uri(BaseUrl, MinutePath(symbol, day, offset + MinutePageSize)).AbsoluteUri : null;
        await WriteJsonAsync(context, json =>
        {
            json.WriteString("ticker", symbol);
            json.WriteString("status", "OK");
            json.WriteNumber("resultsCount", page.Length);
            json.WriteStartArray("results");
            foreach (var bar in page.Span)
            {
                json.WriteStartObject();
                json.WriteNumber("v", bar.Volume);
                json.WriteNumber("o", bar.Open);
                json.WriteNumber("c", bar.Close);
                json.WriteNumber("h", bar.High);
                json.WriteNumber("l", bar.Low);
                json.WriteNumber("t", new DateTimeOffset(bar.StartUtc).ToUnixTimeMilliseconds());
                json.WriteNumber("n", bar.Trades);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (next is not null)
            {
                json.WriteString("next_url", next);
            }
        });
    }

    private async Task DetailsAsync(HttpContext context, string symbol)
    {
        if (_universe.Find(symbol) is not { } ticker)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("""{"status":"NOT_FOUND"}""");
            return;
        }

        await WriteJsonAsync(context, json =>
        {
            json.WriteString("status", "OK");
            json.WriteStartObject("results");
            WriteTicker(json, ticker);
            json.WriteNumber("share_class_shares_outstanding", ticker.SharesOutstanding);
            json.WriteNumber("weighted_shares_outstanding", ticker.WeightedSharesOutstanding);
            if (ticker.SicCode is not null)
            {
                json.WriteString("sic_code", ticker.SicCode);
                json.WriteString("sic_description", ticker.SicDescription);
            }

            json.WriteEndObject();
        });
    }

    private async Task TickersAsync(HttpContext context)
    {
        var asOf = Date(context.Request.Query["date"].ToString());
        var listed = _universe.Tickers.Where(t => asOf is not { } day || t.IsListedOn(day)).OrderBy(t => t.Symbol, StringComparer.Ordinal).ToList();
        var offset = int.TryParse(context.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor : 0;
        var page = listed.Skip(offset).Take(TickersPageSize).ToList();
        var next = offset + TickersPageSize < listed.Count
            ? new Uri(BaseUrl, string.Create(CultureInfo.InvariantCulture, $"/v3/reference/tickers?market=stocks&active=true&limit={TickersPageSize}&cursor={offset + TickersPageSize}{(asOf is { } d ? $"&date={d:yyyy-MM-dd}" : "")}")).AbsoluteUri
            : null;
        await WriteJsonAsync(context, json =>
        {
            json.WriteString("status", "OK");
            json.WriteStartArray("results");
            foreach (var ticker in page)
            {
                json.WriteStartObject();
                WriteTicker(json, ticker);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (next is not null)
            {
                json.WriteString("next_url", next);
            }
        });
    }

    private static void WriteTicker(Utf8JsonWriter json, SampleTicker ticker)
    {
        json.WriteString("ticker", ticker.Symbol);
        json.WriteString("name", ticker.Name);
        // Polygon always sends these; without "market" the metadata of every ticker counts as never enriched and the
        // next day fetches the whole market's details again instead of the new tickers'.
        json.WriteString("market", "stocks");
        json.WriteString("locale", "us");
        json.WriteString("currency_name", "usd");
        json.WriteString("primary_exchange", ticker.Exchange);
        json.WriteString("type", ticker.Type);
        json.WriteBoolean("active", ticker.DelistedAfter is null);
        json.WriteString("cik", ticker.Cik);
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsync("""{"status":"NOT_FOUND"}""");
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> body)
    {
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        body(json);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private Task<DailyBarsResult> DailyAsync(DateOnly day) =>
        _daily.GetOrAdd(day, d => new Lazy<Task<DailyBarsResult>>(() => _files.GetDailyBarsAsync(d))).Value;

    private Task<Dictionary<string, MinuteBar[]>> MinutesAsync(DateOnly day) =>
        _minutes.GetOrAdd(day, d => new Lazy<Task<Dictionary<string, MinuteBar[]>>>(async () =>
        {
            var bars = new Dictionary<string, MinuteBar[]>(StringComparer.Ordinal);
            await foreach (var ticker in _files.ReadMinuteBarsAsync(d, new SkippedRows()))
            {
                bars[ticker.Symbol] = ticker.Bars;
            }

            return bars;
        })).Value;
}
