using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Tests.Support;
using Maintenance.Testing;
using MassTransit;

namespace Maintenance.Orchestrator.Tests;

/// <summary>
/// What the orchestrator serves for the run page, over HTTP (the page's behaviour in a browser is tested in
/// Maintenance.Host.Tests.RunPage): the page from the assembly under a policy that allows nothing from elsewhere,
/// and whether a key is needed, never the key.
/// </summary>
public sealed class RunPageTests : ApiTestBase
{
    private async Task<HttpClient> StartAsync(string? apiKey = null) =>
        (await StartApiAsync(new TestSetup { Redis = RedisConnection, Settings = new() { ["Api:Key"] = apiKey } })).Client;

    [Fact]
    public async Task Status_shows_how_far_a_running_step_has_come()
    {
        // Progress summed over several shards is MaintenanceRunTests' to show; here the API's view of one step.
        var date = new DateOnly(2025, 12, 2);
        var script = new TaskScript().Hold(MaintenanceStep.CalculateRvol);
        var api = await StartApiAsync(new TestSetup { Redis = RedisConnection, Script = script });
        var bus = api.Services.GetRequiredService<IBus>();
        var ct = TestContext.Current.CancellationToken;

        await bus.Publish(new StartMaintenance(date, "api"), ct);
        var command = await RunEvents.WaitAsync(() => script.FirstOf(MaintenanceStep.CalculateRvol), "the calculate-rvol command");
        var runId = command.RunId;
        await bus.Publish(new MaintenanceStepProgress(runId, date, 1, MaintenanceStep.CalculateRvol, 0, 120, 500, "tickers"), ct);
        var stepJson = await RunEvents.WaitAsync(async () =>
        {
            var run = await api.Client.GetFromJsonAsync<JsonElement>("/status/2025-12-02", ct);
            var rvol = run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("step").GetString() == "calculate-rvol");
            return rvol.GetProperty("progress") is { ValueKind: JsonValueKind.Object } p && p.GetProperty("done").GetInt64() == 120 ? rvol.GetRawText() : null;
        }, "calculate-rvol's progress");
        script.Release(MaintenanceStep.CalculateRvol);

        var step = JsonDocument.Parse(stepJson).RootElement;
        var progress = step.GetProperty("progress");
        Assert.Equal(500, progress.GetProperty("total").GetInt64());
        Assert.Equal("tickers", progress.GetProperty("unit").GetString());
        Assert.Equal("running", step.GetProperty("status").GetString());
        var each = step.GetProperty("shards").EnumerateArray()
            .Select(s => (s.GetProperty("shard").GetInt32(), s.GetProperty("status").GetString(), s.GetProperty("done").GetInt64(), s.GetProperty("total").GetInt64()))
            .ToList();
        Assert.Equal([(0, "running", 120L, 500L)], each);
        await api.Setup.Events.CompletedAsync(runId);
    }

    [Fact]
    public async Task The_page_is_served_at_the_root_and_for_a_run_date_with_its_script_and_stylesheet_from_the_same_origin()
    {
        var client = await StartAsync();
        var ct = TestContext.Current.CancellationToken;

        var root = await client.GetAsync("/", ct);
        var byDate = await client.GetAsync("/runs/2025-12-04", ct);

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType!.MediaType);
        var html = await root.Content.ReadAsStringAsync(ct);
        Assert.Equal(html, await byDate.Content.ReadAsStringAsync(ct));
        Assert.Contains("<script src=\"/run-page.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/run-page.css\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        var policy = root.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", root.Headers.GetValues("X-Content-Type-Options").Single());

        var script = await client.GetAsync("/run-page.js", ct);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"/runs?limit=\"", await script.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        var css = await client.GetAsync("/run-page.css", ct);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        Assert.Contains(".s-skipped", await css.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_page_address_that_is_not_a_date_is_refused_with_the_reason()
    {
        var client = await StartAsync();

        var response = await client.GetAsync("/runs/yesterday", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("'yesterday' is not a date in the form yyyy-MM-dd", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Api_info_says_whether_a_key_is_needed_and_never_shows_it()
    {
        var open = await StartAsync();
        var guarded = await StartAsync(apiKey: "run-page-secret-key");
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("{\"api_key_required\":false}", await open.GetStringAsync("/api-info", ct));
        var answer = await guarded.GetStringAsync("/api-info", ct);
        Assert.Equal("{\"api_key_required\":true}", answer);
        Assert.DoesNotContain("run-page-secret-key", await guarded.GetStringAsync("/", ct), StringComparison.Ordinal);
        Assert.DoesNotContain("run-page-secret-key", await guarded.GetStringAsync("/run-page.js", ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_api_info_but_not_the_page()
    {
        var client = await StartAsync();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api-info", paths);
        Assert.DoesNotContain("/", paths);
        Assert.DoesNotContain("/runs/{date}", paths);
        Assert.DoesNotContain("/run-page.js", paths);
    }
}
