using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Tests.Support;
using Maintenance.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Maintenance.Orchestrator.Tests;

/// <summary>
/// The operator API on the embedded profile (in-memory bus, SQLite, in-process Garnet) with a fake clock set to
/// Friday 2025-12-05 10:00 New York time, so the previous trading day is Thursday 2025-12-04.
/// </summary>
public sealed class ApiTests : ApiTestBase
{
    private static readonly DateTimeOffset FridayMorning = new(2025, 12, 5, 15, 0, 0, TimeSpan.Zero);

    // Friday 2025-12-05 02:00 New York time: before the pre-market, so clearing the caches is allowed.
    private static readonly DateTimeOffset FridayBeforeDawn = new(2025, 12, 5, 7, 0, 0, TimeSpan.Zero);

    private async Task<TestApi> StartAsync(DateTimeOffset? now = null, string? apiKey = null, string? redis = null, bool createSchema = true)
    {
        var setup = new TestSetup
        {
            Redis = redis ?? RedisConnection,
            Clock = new FakeTimeProvider(now ?? FridayMorning),
            Settings = new() { ["Api:Key"] = apiKey },
        };
        return await StartApiAsync(setup, createSchema);
    }

    [Fact]
    public async Task Health_names_the_bus_the_database_and_redis()
    {
        var api = await StartAsync();

        var response = await api.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("redis").GetProperty("status").GetString());
        Assert.Contains(checks.EnumerateObject(), c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase) && c.Value.GetProperty("status").GetString() == "healthy");
    }

    [Fact]
    public async Task Health_is_503_and_names_redis_when_redis_is_down()
    {
        var api = await StartAsync(redis: "127.0.0.1:1,connectTimeout=500,abortConnect=false");

        var response = await api.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.StartsWith("Redis does not answer", body.GetProperty("checks").GetProperty("redis").GetProperty("description").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_is_503_and_names_the_database_when_the_saga_store_does_not_answer()
    {
        var api = await StartAsync(createSchema: false);

        var response = await api.Client.GetAsync("/health", TestContext.Current.CancellationToken);
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.StartsWith("the saga store does not answer: SQLite Error", body.GetProperty("checks").GetProperty("database").GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_trigger_without_a_body_starts_the_previous_trading_day_at_once_and_status_shows_it()
    {
        var api = await StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync("/status", TestContext.Current.CancellationToken)).StatusCode);

        var response = await api.Client.PostAsync("/trigger", null, TestContext.Current.CancellationToken);
        var accepted = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/status/2025-12-04", response.Headers.Location!.OriginalString);
        Assert.Equal("2025-12-04", accepted.GetProperty("target_date").GetString());
        Assert.Equal(RunIds.ForDate(new DateOnly(2025, 12, 4)), accepted.GetProperty("run_id").GetGuid());
        Assert.False(accepted.GetProperty("force").GetBoolean());

        await api.Setup.Events.CompletedAsync(RunIds.ForDate(new DateOnly(2025, 12, 4)));
        var latest = await JsonAsync(await api.Client.GetAsync("/status", TestContext.Current.CancellationToken));
        Assert.Equal("2025-12-04", latest.GetProperty("date").GetString());
        Assert.Equal("Completed", latest.GetProperty("state").GetString());
        Assert.Equal("api", latest.GetProperty("requested_by").GetString());
        Assert.True(latest.GetProperty("all_success").GetBoolean());
        Assert.Equal("success", latest.GetProperty("tasks").GetProperty("load_ohlc").GetString());
        Assert.Equal(9, latest.GetProperty("steps").GetArrayLength());
        Assert.Equal(42, latest.GetProperty("steps")[1].GetProperty("metrics").GetProperty("rows").GetDouble());

        var byDate = await JsonAsync(await api.Client.GetAsync("/status/2025-12-04", TestContext.Current.CancellationToken));
        Assert.Equal(latest.GetProperty("run_id").GetGuid(), byDate.GetProperty("run_id").GetGuid());
    }

    [Fact]
    public async Task A_trigger_with_a_date_force_and_steps_is_published_as_asked()
    {
        var api = await StartAsync();

        var response = await PostJsonAsync(api, "/trigger", """{"target_date": "2025-12-02", "force": true, "steps": ["calculate-atr"]}""");
        var completed = await api.Setup.Events.CompletedAsync(RunIds.ForDate(new DateOnly(2025, 12, 2)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var command = Assert.Single(api.Setup.Script.Received);
        Assert.Equal((MaintenanceStep.CalculateAtr, true), (command.Step, command.Force));
        Assert.True(completed.Succeeded);

        var again = await JsonAsync(await PostJsonAsync(api, "/trigger", """{"target_date": "2025-12-02"}"""));
        Assert.Equal("2025-12-02 already ran; this starts attempt 2", again.GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("""{"target_date": "2025-11-29"}""", "target_date 2025-11-29 is not a trading day (Saturday)")]
    [InlineData("""{"target_date": "2025-11-27"}""", "target_date 2025-11-27 is not a trading day (Thanksgiving Day)")]
    [InlineData("""{"target_date": "2025-12-05"}""", "target_date 2025-12-05 has no complete data yet: the latest day that can be maintained is 2025-12-04, the trading day before today in New York")]
    [InlineData("""{"target_date": "2026-01-05"}""", "target_date 2026-01-05 has no complete data yet: the latest day that can be maintained is 2025-12-04, the trading day before today in New York")]
    [InlineData("""{"target_date": "1989-12-29"}""", "target_date 1989-12-29 is before 1990-01-01, the start of the trading calendar")]
    [InlineData("""{"target_date": "12/02/2025"}""", "target_date '12/02/2025' is not a date in the form yyyy-MM-dd")]
    [InlineData("""{"target_date": "2025-02-30"}""", "target_date '2025-02-30' is not a date in the form yyyy-MM-dd")]
    [InlineData("""{"target_date": "2025-12-02", "steps": ["load-ohlc", "warm-up"]}""", "steps 'warm-up' name no step; use clear-caches, load-ohlc, recover-missing-tickers, load-volume-slots, calculate-atr, calculate-rvol, enrich-metadata, sync-redis, notify-services")]
    public async Task A_trigger_with_a_bad_date_or_step_is_refused_with_the_reason(string body, string error)
    {
        var api = await StartAsync();

        var response = await PostJsonAsync(api, "/trigger", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await JsonAsync(response)).GetProperty("error").GetString());
        Assert.Equal(0, await CountRunsAsync(api));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"date": "2025-12-02"}""")]
    [InlineData("""{"target_date": "2025-12-02", "force": "yes"}""")]
    [InlineData("""["2025-12-02"]""")]
    public async Task A_trigger_with_a_malformed_body_is_refused_and_says_what_a_body_looks_like(string body)
    {
        var api = await StartAsync();

        var response = await PostJsonAsync(api, "/trigger", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("the body is not a trigger request ({\"target_date\": \"yyyy-MM-dd\", \"force\": false}): ", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Status_of_a_malformed_date_is_400_and_of_an_unknown_date_404()
    {
        var api = await StartAsync();

        var malformed = await api.Client.GetAsync("/status/2025-13-01", TestContext.Current.CancellationToken);
        var unknown = await api.Client.GetAsync("/status/2025-12-03", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("'2025-13-01' is not a date in the form yyyy-MM-dd", (await JsonAsync(malformed)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("no maintenance has run for 2025-12-03", (await JsonAsync(unknown)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Runs_lists_newest_first_and_refuses_a_bad_limit()
    {
        var api = await StartAsync();
        foreach (var date in new[] { "2025-12-01", "2025-12-03", "2025-12-02" })
        {
            ((FakeTimeProvider)api.Setup.Clock!).Advance(TimeSpan.FromMinutes(5));
            await PostJsonAsync(api, "/trigger", $$"""{"target_date": "{{date}}"}""");
            await api.Setup.Events.CompletedAsync(RunIds.ForDate(TestOrchestrator.Date(date)));
        }

        var two = await JsonAsync(await api.Client.GetAsync("/runs?limit=2", TestContext.Current.CancellationToken));
        var all = await JsonAsync(await api.Client.GetAsync("/runs", TestContext.Current.CancellationToken));

        Assert.Equal(["2025-12-02", "2025-12-03"], two.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("date").GetString()));
        Assert.Equal(3, all.GetProperty("runs").GetArrayLength());
        foreach (var limit in new[] { "0", "501", "abc", "-1", "2.5" })
        {
            var response = await api.Client.GetAsync($"/runs?limit={limit}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal($"limit '{limit}' must be a whole number from 1 to 500", (await JsonAsync(response)).GetProperty("error").GetString());
        }
    }

    [Theory]
    [InlineData("2025-12-05T10:00:00-05:00", "2025-12-08T03:00:00-05:00", "2025-12-05")] // Friday: over the weekend to Monday
    [InlineData("2025-12-24T10:00:00-05:00", "2025-12-26T03:00:00-05:00", "2025-12-24")] // Christmas Eve: over Christmas
    [InlineData("2025-11-26T10:00:00-05:00", "2025-11-28T03:00:00-05:00", "2025-11-26")] // over Thanksgiving
    [InlineData("2025-03-07T10:00:00-05:00", "2025-03-10T03:00:00-04:00", "2025-03-07")] // over a weekend and the DST change
    [InlineData("2025-12-08T02:59:00-05:00", "2025-12-08T03:00:00-05:00", "2025-12-05")] // a minute before Monday's run
    public async Task Next_run_skips_weekends_and_holidays(string now, string nextRun, string targetDate)
    {
        var api = await StartAsync(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        var body = await JsonAsync(await api.Client.GetAsync("/next-run", TestContext.Current.CancellationToken));

        Assert.Equal(nextRun, body.GetProperty("next_run").GetString());
        Assert.Equal(DateTimeOffset.Parse(nextRun, System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("next_run_utc").GetDateTimeOffset());
        Assert.Equal(targetDate, body.GetProperty("target_date").GetString());
        Assert.Equal("America/New_York", body.GetProperty("time_zone").GetString());
    }

    [Fact]
    public async Task Clear_caches_sends_the_task_under_its_own_run_id_and_no_run_is_made()
    {
        var api = await StartAsync(now: FridayBeforeDawn);

        var response = await api.Client.PostAsync("/clear-caches", null, TestContext.Current.CancellationToken);
        var body = await JsonAsync(response);
        var command = await RunEvents.WaitAsync(() => api.Setup.Script.FirstOf(MaintenanceStep.ClearCaches), "the clear-caches command");
        await Task.Delay(500, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(body.GetProperty("run_id").GetGuid(), command.RunId);
        Assert.NotEqual(RunIds.ForDate(command.TargetDate), command.RunId);
        Assert.Equal((new DateOnly(2025, 12, 4), 0, true), (command.TargetDate, command.Attempt, command.Force));
        Assert.Equal(0, await CountRunsAsync(api));
    }

    [Theory]
    [InlineData("/clear-caches", null)]
    [InlineData("/clear-caches?force_clear_caches=false", null)]
    [InlineData("/clear-caches", """{"force_clear_caches": false}""")]
    public async Task Clear_caches_during_the_market_session_is_skipped_and_nothing_is_sent(string path, string? json)
    {
        var api = await StartAsync(now: FridayMorning);

        var response = json is null
            ? await api.Client.PostAsync(path, null, TestContext.Current.CancellationToken)
            : await PostJsonAsync(api, path, json);
        var body = await JsonAsync(response);
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("skipped").GetBoolean());
        Assert.Equal("market session in progress", body.GetProperty("reason").GetString());
        Assert.Null(api.Setup.Script.FirstOf(MaintenanceStep.ClearCaches));
    }

    [Theory]
    [InlineData("/clear-caches?force_clear_caches=true", null)]
    [InlineData("/clear-caches", """{"force_clear_caches": true}""")]
    public async Task Clear_caches_during_the_market_session_is_sent_when_forced(string path, string? json)
    {
        var api = await StartAsync(now: FridayMorning);

        var response = json is null
            ? await api.Client.PostAsync(path, null, TestContext.Current.CancellationToken)
            : await PostJsonAsync(api, path, json);
        var command = await RunEvents.WaitAsync(() => api.Setup.Script.FirstOf(MaintenanceStep.ClearCaches), "the clear-caches command");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal((await JsonAsync(response)).GetProperty("run_id").GetGuid(), command.RunId);
    }

    [Fact]
    public async Task The_session_guard_follows_the_clock_at_20_00_New_York_time()
    {
        // Friday 2025-12-05 19:59:59 EST; one second later the after-hours session has ended.
        var api = await StartAsync(now: new DateTimeOffset(2025, 12, 6, 0, 59, 59, TimeSpan.Zero));

        var during = await api.Client.PostAsync("/clear-caches", null, TestContext.Current.CancellationToken);
        ((FakeTimeProvider)api.Setup.Clock!).Advance(TimeSpan.FromSeconds(1));
        var after = await api.Client.PostAsync("/clear-caches", null, TestContext.Current.CancellationToken);
        var command = await RunEvents.WaitAsync(() => api.Setup.Script.FirstOf(MaintenanceStep.ClearCaches), "the clear-caches command");

        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        Assert.Equal((await JsonAsync(after)).GetProperty("run_id").GetGuid(), command.RunId);
    }

    [Theory]
    [InlineData("/clear-caches?force_clear_caches=yes", "force_clear_caches 'yes' must be true or false")]
    [InlineData("/clear-caches", "the body is not a clear-caches request ({\"force_clear_caches\": true}): ")]
    public async Task A_clear_caches_with_a_bad_override_is_refused(string path, string error)
    {
        var api = await StartAsync(now: FridayMorning);

        var response = path.Contains('?', StringComparison.Ordinal)
            ? await api.Client.PostAsync(path, null, TestContext.Current.CancellationToken)
            : await PostJsonAsync(api, path, """{"force": true}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(error, (await JsonAsync(response)).GetProperty("error").GetString());
        Assert.Null(api.Setup.Script.FirstOf(MaintenanceStep.ClearCaches));
    }

    [Theory]
    [InlineData("/trigger")]
    [InlineData("/clear-caches")]
    public async Task A_configured_api_key_guards_the_posts(string path)
    {
        var api = await StartAsync(now: FridayBeforeDawn, apiKey: "s3cret-key");

        var missing = await api.Client.PostAsync(path, null, TestContext.Current.CancellationToken);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, path) { Headers = { { "X-Api-Key", "s3cret-kez" } } };
        var wrongKey = await api.Client.SendAsync(wrong, TestContext.Current.CancellationToken);
        using var right = new HttpRequestMessage(HttpMethod.Post, path) { Headers = { { "X-Api-Key", "s3cret-key" } } };
        var rightKey = await api.Client.SendAsync(right, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("missing or wrong X-Api-Key header", (await JsonAsync(missing)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, rightKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/next-run", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint()
    {
        var api = await StartAsync();

        var document = await JsonAsync(await api.Client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken));

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Superset(new HashSet<string> { "/status", "/status/{date}", "/runs", "/next-run", "/trigger", "/clear-caches" }, paths.ToHashSet());
        Assert.True(document.GetProperty("paths").GetProperty("/trigger").GetProperty("post").GetProperty("responses").TryGetProperty("400", out _));
        var clearCaches = document.GetProperty("paths").GetProperty("/clear-caches").GetProperty("post");
        Assert.Contains("force_clear_caches", clearCaches.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Contains("market session in progress", clearCaches.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostJsonAsync(TestApi api, string path, string json) =>
        api.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));

    private static async Task<int> CountRunsAsync(TestApi api)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Persistence.SagaDbContext>().Runs.CountAsync(TestContext.Current.CancellationToken);
    }
}
