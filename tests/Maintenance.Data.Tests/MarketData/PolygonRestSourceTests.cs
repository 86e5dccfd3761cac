using System.Diagnostics;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Maintenance.Data.MarketData.PolygonRest;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Tests.MarketData;

/// <summary>The REST source through <c>AddMarketData</c> (its real resilience handler) against a local HTTP server.</summary>
public sealed class PolygonRestSourceTests : IAsyncDisposable
{
    private const string ApiKey = "test-key-9f8e7d";
    private static readonly DateOnly Day = new(2025, 11, 3);

    // 2025-11-03 New York (EST): 16:00 = 21:00 UTC, the next midnight = 05:00 UTC on the 4th.
    private const long CloseMs = 1762203600000;
    private const long NextMidnightMs = 1762232400000;
    private const long At0930Ms = 1762180200000;

    private readonly CapturedLogs _logs = new();
    private PolygonTestServer? _server;
    private ServiceProvider? _services;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Assert.DoesNotContain(_logs.Lines, line => line.Contains(ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Grouped_daily_gives_the_days_bars_with_the_key_in_the_header_and_skips_bad_results()
    {
        var source = await StartAsync(context => PolygonTestServer.Json(context, $$"""
            {"queryCount":6,"resultsCount":6,"adjusted":true,"status":"OK","request_id":"r1","results":[
             {"T":"AAPL","v":52164523,"vw":268.9,"o":270.42,"c":269.05,"h":270.85,"l":266.25,"t":{{CloseMs}},"n":712345},
             {"T":"NVDA","v":1.5e6,"o":206.5,"c":207.1,"h":208,"l":205,"t":{{NextMidnightMs}}},
             {"T":"MSFT","v":100,"o":519.81,"h":524.04,"l":515.11,"t":{{CloseMs}},"n":5},
             {"T":"LATE","v":100,"o":1,"c":1,"h":1,"l":1,"t":{{NextMidnightMs + 3_600_000}},"n":5},
             {"T":"AAPL","v":1,"o":1,"c":1,"h":1,"l":1,"t":{{CloseMs}},"n":1},
             {"v":1,"o":1,"c":1,"h":1,"l":1,"t":{{CloseMs}},"n":1}
            ]}
            """));

        var result = await source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                new DailyBar("AAPL", Day, 270.42, 270.85, 266.25, 269.05, 52164523, 268.9, 712345),
                new DailyBar("NVDA", Day, 206.5, 208, 205, 207.1, 1_500_000, null, 0),
            ],
            result.Bars);
        Assert.Equal(
            [
                "price: o, h, l and c are required (result 2)",
                $"t: {NextMidnightMs + 3_600_000} ms is not within 2025-11-03 (America/New_York) (result 3)",
                "duplicate: AAPL appears twice (result 4)",
                "T: missing (result 5)",
            ],
            result.Skipped.Details.Select(d => d.Reason));
        var request = Assert.Single(_server!.Requests);
        Assert.Equal(new ReceivedRequest("/v2/aggs/grouped/locale/us/market/stocks/2025-11-03?adjusted=true", $"Bearer {ApiKey}"), request);
    }

    [Fact]
    public async Task A_day_without_results_is_missing_data()
    {
        var source = await StartAsync(context => PolygonTestServer.Json(context, """{"queryCount":0,"resultsCount":0,"adjusted":true,"status":"OK"}"""));

        var error = await Assert.ThrowsAsync<MarketDataMissingException>(() => source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));

        Assert.Contains("/v2/aggs/grouped/locale/us/market/stocks/2025-11-03", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_is_retried_after_the_servers_Retry_After()
    {
        var calls = 0;
        var source = await StartAsync(context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return PolygonTestServer.Json(context, """{"status":"ERROR","error":"You've exceeded the maximum requests per minute"}""", 429);
            }

            return PolygonTestServer.Json(context, GroupedOf("AAPL"));
        });
        var clock = Stopwatch.StartNew();

        var result = await source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);

        Assert.Single(result.Bars);
        Assert.Equal(2, _server!.Requests.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed.TotalSeconds:F2} s, Retry-After said 1 s");
        // The retry is a warning; the attempts, the failed one and the one that succeeded, are debug lines only.
        var polly = _logs.Lines.Where(line => line.Contains(" Polly: ", StringComparison.Ordinal)).ToList();
        Assert.Contains(polly, line => line.StartsWith("Warning Polly: Resilience event occurred. EventName: 'OnRetry'", StringComparison.Ordinal));
        Assert.Equal(2, polly.Count(line => line.Contains("Execution attempt.", StringComparison.Ordinal)));
        Assert.DoesNotContain(polly, line => line.Contains("Execution attempt.", StringComparison.Ordinal) && line.StartsWith("Information", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_errors_are_retried_until_an_answer_comes()
    {
        var calls = 0;
        var source = await StartAsync(context => Interlocked.Increment(ref calls) switch
        {
            1 => PolygonTestServer.Json(context, "oops", 500),
            2 => PolygonTestServer.Json(context, "down", 503),
            _ => PolygonTestServer.Json(context, GroupedOf("AAPL", "MSFT")),
        });

        var result = await source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Bars.Count);
        Assert.Equal(3, _server!.Requests.Count);
    }

    [Fact]
    public async Task Persistent_server_errors_end_in_an_error_naming_the_path_status_and_body()
    {
        var source = await StartAsync(context => PolygonTestServer.Json(context, """{"status":"ERROR","request_id":"x","error":"internal boom"}""", 500));

        var error = await Assert.ThrowsAsync<MarketDataException>(() => source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));

        Assert.Equal(
            """GET /v2/aggs/grouped/locale/us/market/stocks/2025-11-03?adjusted=true failed after 3 retries: 500 Internal Server Error: {"status":"ERROR","request_id":"x","error":"internal boom"}""",
            error.Message);
        Assert.True(error.Transient);
        Assert.Equal(4, _server!.Requests.Count);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        var source = await StartAsync(context => PolygonTestServer.Json(context, """{"status":"NOT_AUTHORIZED","message":"You are not entitled to this data."}""", 403));

        var error = await Assert.ThrowsAsync<MarketDataException>(() => source.GetTickerDetailsAsync("AAPL", TestContext.Current.CancellationToken));

        Assert.Equal("""AAPL's ticker details: GET /v3/reference/tickers/AAPL failed: 403 Forbidden: {"status":"NOT_AUTHORIZED","message":"You are not entitled to this data."}""", error.Message);
        Assert.False(error.Transient);
        Assert.Single(_server!.Requests);
    }

    [Fact]
    public async Task An_unreachable_server_is_retried_then_an_error_naming_the_path()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var source = Build(new Uri($"http://127.0.0.1:{port}"));

        var error = await Assert.ThrowsAsync<MarketDataException>(() => source.GetTickerDetailsAsync("AAPL", TestContext.Current.CancellationToken));

        Assert.StartsWith("AAPL's ticker details: GET /v3/reference/tickers/AAPL failed (retried up to 3 times): ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Transient);
    }

    [Fact]
    public async Task Truncated_json_is_a_clear_error()
    {
        var source = await StartAsync(context => PolygonTestServer.Json(context, """{"status":"OK","results":[{"T":"AAPL","v":100,"o":1"""));

        var error = await Assert.ThrowsAsync<MarketDataException>(() => source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));

        Assert.StartsWith("GET /v2/aggs/grouped/locale/us/market/stocks/2025-11-03?adjusted=true: the answer is not complete JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_server_times_out_after_the_retries()
    {
        var source = await StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            await PolygonTestServer.Json(context, GroupedOf("AAPL"));
        });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MarketDataException>(() => source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken));

        Assert.StartsWith("GET /v2/aggs/grouped/locale/us/market/stocks/2025-11-03?adjusted=true timed out", error.Message, StringComparison.Ordinal);
        Assert.True(error.Transient);
        Assert.Equal(4, _server!.Requests.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"gave up after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Minute_bars_follow_next_url_on_the_configured_host_without_any_key_in_the_url()
    {
        var source = await StartAsync(context =>
        {
            if (!context.Request.Query.ContainsKey("cursor"))
            {
                return PolygonTestServer.Json(context, $$"""
                    {"ticker":"AAPL","status":"OK","resultsCount":2,"results":[
                      {"v":5000,"vw":270.3,"o":270.2,"c":270.5,"h":270.6,"l":270.2,"t":{{At0930Ms}},"n":40},
                      {"v":4000,"o":270.5,"c":270.4,"h":270.7,"l":270.3,"t":{{At0930Ms + 60_000}},"n":35}],
                     "next_url":"https://api.polygon.io{{context.Request.Path}}?cursor=page2&apiKey=LEAKED"}
                    """);
            }

            return PolygonTestServer.Json(context, $$"""
                {"ticker":"AAPL","status":"OK","resultsCount":2,"results":[
                  {"v":3000,"o":270.4,"c":270.1,"h":270.4,"l":270.0,"t":{{At0930Ms + 120_000}},"n":30},
                  {"v":1,"o":270.4,"c":270.1,"h":270.4,"l":270.0,"t":{{At0930Ms + 120_000}},"n":1}]}
                """);
        });
        var client = _services!.GetRequiredService<PolygonRestClient>();
        var skipped = new SkippedRows();

        var bars = await client.GetMinuteBarsAsync("AAPL", Day, skipped, TestContext.Current.CancellationToken);

        var start = new DateTime(2025, 11, 3, 14, 30, 0, DateTimeKind.Utc);
        Assert.Equal(
            [
                new MinuteBar(start, 270.2, 270.6, 270.2, 270.5, 5000, 40),
                new MinuteBar(start.AddMinutes(1), 270.5, 270.7, 270.3, 270.4, 4000, 35),
                new MinuteBar(start.AddMinutes(2), 270.4, 270.4, 270.0, 270.1, 3000, 30),
            ],
            bars.Bars);
        Assert.Equal("order: t 1762180320000 is not after the previous bar (AAPL, result 1)", Assert.Single(skipped.Details).Reason);
        Assert.Equal(
            [
                "/v2/aggs/ticker/AAPL/range/1/minute/1762146000000/1762232399999?adjusted=true&sort=asc&limit=50000",
                "/v2/aggs/ticker/AAPL/range/1/minute/1762146000000/1762232399999?cursor=page2",
            ],
            _server!.Requests.Select(r => r.PathAndQuery));
        Assert.All(_server.Requests, r => Assert.Equal($"Bearer {ApiKey}", r.Authorization));
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("LEAKED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_days_minute_bars_come_ticker_by_ticker_each_once_with_bounded_concurrency()
    {
        string[] symbols = ["MMM", "AAPL", "ZZZ", "IBM", "KO", "PEP", "T", "F", "GE", "GM", "XOM", "CVX"];
        var source = await StartAsync(async context =>
        {
            if (context.Request.Path.StartsWithSegments("/v2/aggs/grouped"))
            {
                await PolygonTestServer.Json(context, GroupedOf(symbols));
                return;
            }

            await Task.Delay(100, context.RequestAborted);
            var symbol = context.Request.Path.Value!.Split('/')[4];
            var bars = symbol == "ZZZ" ? "" : $$"""{"v":1,"o":1,"c":1,"h":1,"l":1,"t":{{At0930Ms}},"n":1}""";
            await PolygonTestServer.Json(context, $$"""{"ticker":"{{symbol}}","status":"OK","results":[{{bars}}]}""");
        });
        var read = new List<string>();

        await foreach (var bars in source.ReadMinuteBarsAsync(Day, new SkippedRows(), TestContext.Current.CancellationToken))
        {
            read.Add(bars.Symbol);
        }

        Assert.Equal(symbols.Where(s => s != "ZZZ").Order(StringComparer.Ordinal), read.Order(StringComparer.Ordinal));
        Assert.InRange(_server!.MaxInFlight, 2, 3);
    }

    [Fact]
    public async Task A_slow_ticker_holds_no_other_ticker_back()
    {
        string[] symbols = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG", "HHH", "III", "JJJ", "KKK", "LLL"];
        var othersRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = await StartAsync(async context =>
        {
            if (context.Request.Path.StartsWithSegments("/v2/aggs/grouped"))
            {
                await PolygonTestServer.Json(context, GroupedOf(symbols));
                return;
            }

            // AAA, asked first, answers once the reader holds the eleven others (at most 3 s later): a reader that
            // waits on AAA before handing the others on gets it first, after 3 s.
            var symbol = context.Request.Path.Value!.Split('/')[4];
            if (symbol == "AAA")
            {
                await Task.WhenAny(othersRead.Task, Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted));
            }

            await PolygonTestServer.Json(context, MinuteBarsOf(symbol));
        }, attemptTimeout: "00:00:05");
        var clock = Stopwatch.StartNew();
        var read = new List<string>();

        await foreach (var bars in source.ReadMinuteBarsAsync(Day, new SkippedRows(), TestContext.Current.CancellationToken))
        {
            read.Add(bars.Symbol);
            if (read.Count == symbols.Length - 1)
            {
                othersRead.SetResult();
            }
        }

        Assert.Equal(symbols.Skip(1), read.Take(symbols.Length - 1).Order(StringComparer.Ordinal));
        Assert.Equal("AAA", read[^1]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"done after {clock.Elapsed.TotalSeconds:F2} s: AAA held the others back");
    }

    [Fact]
    public async Task A_burst_of_429s_slows_the_day_down_and_every_ticker_is_loaded()
    {
        // 100 tickers whose first two answers are each a 429: 200 of 300 answers, past the circuit breaker's
        // 10 % of 100 calls, so only a breaker that leaves 429s to the retry lets the day through.
        var symbols = Enumerable.Range(0, 100).Select(i => $"T{i:D3}").ToArray();
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var asked = new System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<long>>(StringComparer.Ordinal);
        var source = await StartAsync(context =>
        {
            if (context.Request.Path.StartsWithSegments("/v2/aggs/grouped"))
            {
                return PolygonTestServer.Json(context, GroupedOf(symbols));
            }

            var symbol = context.Request.Path.Value!.Split('/')[4];
            asked.GetOrAdd(symbol, _ => new()).Enqueue(Stopwatch.GetTimestamp());
            if (answers.AddOrUpdate(symbol, 1, (_, n) => n + 1) <= 2)
            {
                context.Response.Headers.RetryAfter = "1";
                return PolygonTestServer.Json(context, """{"status":"ERROR","error":"You've exceeded the maximum requests per minute"}""", 429);
            }

            return PolygonTestServer.Json(context, MinuteBarsOf(symbol));
        }, maxConcurrency: 50);
        var clock = Stopwatch.StartNew();
        var read = new List<string>();

        await foreach (var bars in source.ReadMinuteBarsAsync(Day, new SkippedRows(), TestContext.Current.CancellationToken))
        {
            Assert.Single(bars.Bars);
            read.Add(bars.Symbol);
        }

        Assert.Equal(symbols, read.Order(StringComparer.Ordinal));
        Assert.All(symbols, s => Assert.Equal(3, answers[s]));
        // Each ticker waited out Retry-After's second twice; the waits hold no slot, so the 100 tickers wait side by side.
        Assert.All(symbols, s =>
        {
            var times = asked[s].ToArray();
            Assert.True(Stopwatch.GetElapsedTime(times[0], times[2]) >= TimeSpan.FromSeconds(1.9), $"{s} asked again after {Stopwatch.GetElapsedTime(times[0], times[2]).TotalSeconds:F2} s: Retry-After was not honoured");
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3.8), $"done after {clock.Elapsed.TotalSeconds:F2} s: the waiting tickers held their slots");
    }

    [Fact]
    public async Task Ticker_details_map_polygons_fields_and_an_unknown_ticker_is_null()
    {
        // Polygon's documented example answer of /v3/reference/tickers/{ticker}, every field the metadata carries.
        var source = await StartAsync(context => context.Request.Path == "/v3/reference/tickers/AAPL"
            ? PolygonTestServer.Json(context, """
                {"request_id":"r","status":"OK","results":{"ticker":"AAPL","name":"Apple Inc.","market":"stocks","locale":"us",
                 "primary_exchange":"XNAS","type":"CS","active":true,"currency_name":"usd","cik":"0000320193",
                 "composite_figi":"BBG000B9XRY4","share_class_figi":"BBG001S5N8V8","market_cap":3981234567890.12,
                 "phone_number":"(408) 996-1010","address":{"address1":"ONE APPLE PARK WAY","city":"CUPERTINO","state":"CA","postal_code":"95014"},
                 "description":"Apple designs a wide variety of consumer electronic devices.","sic_code":"3571",
                 "sic_description":"ELECTRONIC COMPUTERS","ticker_root":"AAPL","homepage_url":"https://www.apple.com",
                 "total_employees":164000,"list_date":"1980-12-12",
                 "branding":{"logo_url":"https://api.polygon.io/v1/reference/company-branding/d3d3LmFwcGxlLmNvbQ/images/2025-04-04_logo.svg",
                             "icon_url":"https://api.polygon.io/v1/reference/company-branding/d3d3LmFwcGxlLmNvbQ/images/2025-04-04_icon.png"},
                 "share_class_shares_outstanding":14776353000,"weighted_shares_outstanding":14840390000,"round_lot":100}}
                """)
            : context.Request.Path == "/v3/reference/tickers/OLD"
            ? PolygonTestServer.Json(context, """
                {"status":"OK","results":{"ticker":"OLD","name":"Old Co","market":"otc","type":"CS","active":false,
                 "delisted_utc":"2024-03-15T00:00:00Z","ticker_suffix":"W","total_employees":12.0,"list_date":"not a date"}}
                """)
            : PolygonTestServer.Json(context, """{"status":"NOT_FOUND","request_id":"r","message":"Ticker not found."}""", 404));

        var details = await source.GetTickerDetailsAsync("AAPL", TestContext.Current.CancellationToken);
        var delisted = await source.GetTickerDetailsAsync("OLD", TestContext.Current.CancellationToken);
        var unknown = await source.GetTickerDetailsAsync("NOPE", TestContext.Current.CancellationToken);

        Assert.Equal(
            new Ticker
            {
                Symbol = "AAPL",
                Name = "Apple Inc.",
                Exchange = "XNAS",
                Type = "CS",
                Active = true,
                MarketCap = 3981234567890.12,
                // The share class's count wins over the weighted one (14840390000).
                SharesOutstanding = 14776353000,
                Sector = "Manufacturing",
                Industry = "ELECTRONIC COMPUTERS",
                Cik = "0000320193",
                Description = "Apple designs a wide variety of consumer electronic devices.",
                HomepageUrl = "https://www.apple.com",
                PhoneNumber = "(408) 996-1010",
                Address1 = "ONE APPLE PARK WAY",
                City = "CUPERTINO",
                State = "CA",
                PostalCode = "95014",
                TotalEmployees = 164000,
                ListDate = new DateOnly(1980, 12, 12),
                LogoUrl = "https://api.polygon.io/v1/reference/company-branding/d3d3LmFwcGxlLmNvbQ/images/2025-04-04_logo.svg",
                IconUrl = "https://api.polygon.io/v1/reference/company-branding/d3d3LmFwcGxlLmNvbQ/images/2025-04-04_icon.png",
                CompositeFigi = "BBG000B9XRY4",
                ShareClassFigi = "BBG001S5N8V8",
                TickerRoot = "AAPL",
                CurrencyName = "usd",
                Locale = "us",
                Market = "stocks",
                RoundLot = 100,
            },
            details);
        Assert.NotNull(delisted);
        Assert.Equal(
            (false, "otc", "W", 12, (DateOnly?)null, new DateTimeOffset(2024, 3, 15, 0, 0, 0, TimeSpan.Zero)),
            (delisted.Active, delisted.Market, delisted.TickerSuffix, delisted.TotalEmployees, delisted.ListDate, delisted.DelistedUtc!.Value));
        Assert.Equal(TimeSpan.Zero, delisted.DelistedUtc.Value.Offset);
        Assert.Null(unknown);
    }

    [Fact]
    public async Task Many_ticker_details_at_once_fill_the_clients_slots_and_429s_and_503s_lose_none()
    {
        // 60 callers at once against 4 slots; every third ticker's first answer is a 429, every fifth one's a 503.
        var symbols = Enumerable.Range(0, 60).Select(i => $"D{i:D2}").ToArray();
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var source = await StartAsync(async context =>
        {
            var symbol = context.Request.Path.Value!.Split('/')[4];
            var index = int.Parse(symbol.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            var answer = answers.AddOrUpdate(symbol, 1, (_, n) => n + 1);
            await Task.Delay(20, context.RequestAborted);
            if (answer == 1 && index % 3 == 0)
            {
                context.Response.Headers.RetryAfter = "1";
                await PolygonTestServer.Json(context, """{"status":"ERROR","error":"You've exceeded the maximum requests per minute"}""", 429);
            }
            else if (answer == 1 && index % 5 == 0)
            {
                await PolygonTestServer.Json(context, """{"status":"ERROR","error":"busy"}""", 503);
            }
            else
            {
                await PolygonTestServer.Json(context, $$$"""{"status":"OK","results":{"ticker":"{{{symbol}}}","name":"{{{symbol}}} Inc.","market":"stocks"}}""");
            }
        }, maxConcurrency: 4);

        var details = await Task.WhenAll(symbols.Select(s => source.GetTickerDetailsAsync(s, TestContext.Current.CancellationToken)));

        Assert.Equal(symbols, details.Select(d => d!.Symbol));
        Assert.Equal(symbols.Select(s => $"{s} Inc."), details.Select(d => d!.Name));
        Assert.Equal(4, _server!.MaxInFlight);
        var faulted = Enumerable.Range(0, 60).Where(i => i % 3 == 0 || i % 5 == 0).Select(i => $"D{i:D2}").ToHashSet();
        Assert.All(symbols, s => Assert.Equal(faulted.Contains(s) ? 2 : 1, answers[s]));
    }

    [Fact]
    public async Task A_request_waiting_out_Retry_After_holds_no_slot()
    {
        // One slot. WAIT's first answer is a 429 with Retry-After 1 s; the five others answer in 50 ms each, so they
        // are all answered during WAIT's second: a client that kept the slot through the wait asks WAIT again first.
        var waitAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waitAnswers = 0;
        var source = await StartAsync(async context =>
        {
            var symbol = context.Request.Path.Value!.Split('/')[4];
            if (symbol == "WAIT" && Interlocked.Increment(ref waitAnswers) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                await PolygonTestServer.Json(context, """{"status":"ERROR","error":"You've exceeded the maximum requests per minute"}""", 429);
                waitAsked.SetResult();
                return;
            }

            await Task.Delay(50, context.RequestAborted);
            await PolygonTestServer.Json(context, $$$"""{"status":"OK","results":{"ticker":"{{{symbol}}}"}}""");
        }, maxConcurrency: 1);
        string[] others = ["B", "C", "D", "E", "F"];

        var waiting = source.GetTickerDetailsAsync("WAIT", TestContext.Current.CancellationToken);
        await waitAsked.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var rest = await Task.WhenAll(others.Select(s => source.GetTickerDetailsAsync(s, TestContext.Current.CancellationToken)));
        var waited = await waiting;

        Assert.Equal("WAIT", waited!.Symbol);
        Assert.Equal(others, rest.Select(d => d!.Symbol));
        var asked = _server!.Requests.Select(r => r.PathAndQuery.Split('/')[4]).ToList();
        Assert.Equal(7, asked.Count);
        Assert.Equal(("WAIT", "WAIT"), (asked[0], asked[^1]));
        Assert.Equal(others, asked[1..^1].Order(StringComparer.Ordinal));
        Assert.Equal(1, _server.MaxInFlight);
    }

    [Fact]
    public async Task A_provider_error_names_the_ticker_of_the_details_or_minute_bars()
    {
        var source = await StartAsync(context =>
            context.Request.Path.StartsWithSegments("/v2/aggs/grouped") ? PolygonTestServer.Json(context, GroupedOf("AAA", "BAD", "CCC"))
            : context.Request.Path.Value!.Contains("/BAD", StringComparison.Ordinal) ? PolygonTestServer.Json(context, """{"status":"ERROR","error":"boom"}""", 503)
            : context.Request.Path.StartsWithSegments("/v2/aggs/ticker") ? PolygonTestServer.Json(context, MinuteBarsOf(context.Request.Path.Value!.Split('/')[4]))
            : PolygonTestServer.Json(context, """{"status":"OK","results":{"ticker":"AAA"}}"""));

        var details = await Assert.ThrowsAsync<MarketDataException>(() => source.GetTickerDetailsAsync("BAD", TestContext.Current.CancellationToken));
        var minutes = await Assert.ThrowsAsync<MarketDataException>(async () =>
        {
            await foreach (var _ in source.ReadMinuteBarsAsync(Day, new SkippedRows(), TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal(
            """BAD's ticker details: GET /v3/reference/tickers/BAD failed after 3 retries: 503 Service Unavailable: {"status":"ERROR","error":"boom"}""",
            details.Message);
        Assert.True(details.Transient);
        Assert.StartsWith("BAD's minute bars of 2025-11-03: GET /v2/aggs/ticker/BAD/range/1/minute/", minutes.Message, StringComparison.Ordinal);
        Assert.EndsWith("failed after 3 retries: 503 Service Unavailable: {\"status\":\"ERROR\",\"error\":\"boom\"}", minutes.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tickers_list_is_read_page_after_page()
    {
        var source = await StartAsync(context => context.Request.Query.ContainsKey("cursor")
            ? PolygonTestServer.Json(context, """{"status":"OK","results":[{"ticker":"MSFT","name":"Microsoft Corp","primary_exchange":"XNAS","type":"CS","active":true,"cik":"0000789019"}]}""")
            : PolygonTestServer.Json(context, $$"""
                {"status":"OK","count":2,"results":[
                  {"ticker":"A","name":"Agilent Technologies Inc.","primary_exchange":"XNYS","type":"CS","active":true,"cik":"0001090872"},
                  {"ticker":"AAPL","name":"Apple Inc.","primary_exchange":"XNAS","type":"CS","active":true}],
                 "next_url":"{{_server!.BaseUrl}}v3/reference/tickers?cursor=YWN0aXZl"}
                """));
        var tickers = new List<TickerInfo>();

        await foreach (var info in source.ListTickersAsync(Day, TestContext.Current.CancellationToken))
        {
            tickers.Add(info);
        }

        Assert.Equal(
            [
                new TickerInfo("A", "Agilent Technologies Inc.", "XNYS", "CS", true, "0001090872"),
                new TickerInfo("AAPL", "Apple Inc.", "XNAS", "CS", true, null),
                new TickerInfo("MSFT", "Microsoft Corp", "XNAS", "CS", true, "0000789019"),
            ],
            tickers);
        Assert.Equal(
            ["/v3/reference/tickers?market=stocks&active=true&limit=1000&date=2025-11-03", "/v3/reference/tickers?cursor=YWN0aXZl"],
            _server!.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task The_combined_source_reads_the_flat_file_when_it_is_there_and_REST_otherwise()
    {
        using var folder = new TempFolder();
        folder.WriteDayFile(Day, "ticker,volume,open,close,high,low,window_start,transactions\nFILE,1,1,1,1,1,1762146000000000000,1\n");
        var source = await StartAsync(context => PolygonTestServer.Json(context, GroupedOf(CloseMs + 86_400_000, "REST")), folder.Path);
        var nextDay = Day.AddDays(1);

        var fromFile = await source.GetDailyBarsAsync(Day, TestContext.Current.CancellationToken);
        var fromRest = await source.GetDailyBarsAsync(nextDay, TestContext.Current.CancellationToken);

        Assert.IsType<FlatFilesThenRestSource>(source);
        Assert.Equal("FILE", Assert.Single(fromFile.Bars).Symbol);
        Assert.Equal("REST", Assert.Single(fromRest.Bars).Symbol);
        Assert.Equal("/v2/aggs/grouped/locale/us/market/stocks/2025-11-04?adjusted=true", Assert.Single(_server!.Requests).PathAndQuery);
    }

    private static string GroupedOf(params string[] symbols) => GroupedOf(CloseMs, symbols);

    private static string GroupedOf(long closeMs, params string[] symbols) =>
        $$"""{"status":"OK","resultsCount":{{symbols.Length}},"results":[{{string.Join(',', symbols.Select(s => $$"""{"T":"{{s}}","v":100,"o":10,"c":11,"h":12,"l":9,"t":{{closeMs}},"n":3}"""))}}]}""";

    private static string MinuteBarsOf(string symbol) =>
        $$"""{"ticker":"{{symbol}}","status":"OK","results":[{"v":1,"o":1,"c":1,"h":1,"l":1,"t":{{At0930Ms}},"n":1}]}""";

    private async Task<IMarketDataSource> StartAsync(
        Func<HttpContext, Task> handler, string? flatFilesPath = null, int maxConcurrency = 3, string attemptTimeout = "00:00:00.5")
    {
        _server = await PolygonTestServer.StartAsync(handler);
        return Build(_server.BaseUrl, flatFilesPath, maxConcurrency, attemptTimeout);
    }

    private IMarketDataSource Build(Uri baseUrl, string? flatFilesPath = null, int maxConcurrency = 3, string attemptTimeout = "00:00:00.5")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MarketData:Source"] = "PolygonRest",
            ["MarketData:FlatFilesPath"] = flatFilesPath,
            ["MarketData:PolygonApiKey"] = ApiKey,
            ["MarketData:PolygonBaseUrl"] = baseUrl.ToString(),
            ["MarketData:PolygonMaxConcurrency"] = maxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MarketData:PolygonMaxRetries"] = "3",
            ["MarketData:PolygonRetryDelay"] = "00:00:00.05",
            ["MarketData:PolygonAttemptTimeout"] = attemptTimeout,
            ["MarketData:PolygonTotalTimeout"] = "00:00:06",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddMarketData(configuration);
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<IMarketDataSource>();
    }
}
