using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Maintenance.Contracts;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Host.Tests.RunPage;

/// <summary>
/// The run page in headless Chromium against the orchestrator on the embedded profile with the real tasks:
/// what the operator sees is read back from the rendered DOM and compared with the JSON API.
/// Screenshots go to <c>run-page/</c> in the test output folder.
/// </summary>
public sealed partial class RunPageBrowserTests(HeadlessChromium chromium) : IAsyncLifetime
{
    private const string TargetDate = "2026-11-25";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);

    private readonly List<IAsyncDisposable> _owned = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task A_full_run_triggered_on_the_page_shows_every_step_with_its_final_status_and_duration()
    {
        var (host, page) = await OpenAsync(RunPageHost.NewFolder(), []);

        await Expect(page.Locator("#actions")).ToBeVisibleAsync();
        await Expect(page.Locator("#key-entry")).ToBeHiddenAsync();
        await page.FillAsync("#trigger-date", TargetDate);
        await page.ClickAsync("#trigger");

        await Expect(page.Locator("#run-status")).ToHaveAttributeAsync("data-run-status", new Regex("^(success|failed|partial)$"), new() { Timeout = (float)RunLimit.TotalMilliseconds });
        var run = await StatusAsync(host);
        var steps = run.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(MaintenanceSteps.InOrder.Select(s => s.QueueName()).Order(), steps.Select(s => s.GetProperty("step").GetString()!).Order());
        Assert.All(steps, s => Assert.Equal("success", s.GetProperty("status").GetString()));
        await Expect(page.Locator("#run-status")).ToHaveAttributeAsync("data-run-status", "success");
        await Expect(page).ToHaveURLAsync(new Uri(host.Address, "/runs/" + TargetDate).ToString());

        await Expect(page.Locator("#timeline-grid .step-row")).ToHaveCountAsync(steps.Count);
        foreach (var step in steps)
        {
            var name = step.GetProperty("step").GetString()!;
            await Expect(GridCell(page, name)).ToHaveAttributeAsync("data-status", "success");
            await Expect(GridCell(page, name)).ToHaveTextAsync("✓");

            var row = TimelineRow(page, name);
            await Expect(row).ToHaveAttributeAsync("data-status", "success");
            await Expect(row.Locator(".bar.s-success")).ToHaveCountAsync(1);
            var wall = (step.GetProperty("completed_at").GetDateTimeOffset() - step.GetProperty("started_at").GetDateTimeOffset()).TotalSeconds;
            var shown = double.Parse((await row.GetAttributeAsync("data-duration-seconds"))!, CultureInfo.InvariantCulture);
            Assert.Equal(wall, shown, 0.002);
            Assert.Matches(DurationText(), await row.Locator(".duration").InnerTextAsync());
            Assert.True(await BarWidthAsync(row) > 0, $"{name}: its bar has no width");
            if (step.GetProperty("verdict").GetString() is { Length: > 0 } verdict)
            {
                await Expect(row.Locator(".verdict")).ToHaveTextAsync(verdict);
            }

            // One command per step (Maintenance:Shards 1): the step's own row says it all, no shard rows.
            Assert.Equal(1, step.GetProperty("shards").GetArrayLength());
        }

        await Expect(page.Locator("#timeline-grid .shard-row")).ToHaveCountAsync(0);
        await Expect(page.Locator("#timeline-grid .progress")).ToHaveCountAsync(0);

        await Expect(page.Locator("#grid tr[data-step='run'] button[data-date='" + TargetDate + "']")).ToHaveAttributeAsync("data-run-status", "success");
        await ScreenshotAsync(page, "full-run.png");
    }

    [Fact]
    public async Task A_failed_step_and_the_step_it_skips_look_different_from_each_other_and_from_success()
    {
        // Flat files of the whole lookback, less the target day's minute file: load-volume-slots fails and
        // calculate-rvol, which needs its slots, is skipped; the day's bars load, so the run completes with errors.
        var folder = RunPageHost.NewFolder();
        var flatFiles = Path.Combine(folder, "flat");
        var target = DateOnly.ParseExact(TargetDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        await SampleMarket.WriteAsync(flatFiles, target.AddDays(-100), target, tickers: 20, cancellationToken: TestContext.Current.CancellationToken);
        File.Delete(new FlatFileLayout(flatFiles).MinuteAggregatesPath(target));
        var (host, page) = await OpenAsync(folder, new()
        {
            ["MarketData:Source"] = "FlatFiles",
            ["MarketData:FlatFilesPath"] = flatFiles,
        });

        await page.FillAsync("#trigger-date", TargetDate);
        await page.ClickAsync("#trigger");

        await Expect(page.Locator("#run-status")).ToHaveAttributeAsync("data-run-status", new Regex("^(success|failed|partial)$"), new() { Timeout = (float)RunLimit.TotalMilliseconds });
        var run = await StatusAsync(host);
        var failed = Step(run, "load-volume-slots");
        var skipped = Step(run, "calculate-rvol");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("skipped", skipped.GetProperty("status").GetString());
        await Expect(page.Locator("#run-status")).ToHaveAttributeAsync("data-run-status", "partial");
        await Expect(page.Locator("#run-summary .outcome")).ToHaveTextAsync(run.GetProperty("outcome").GetString()!);

        await Expect(GridCell(page, "load-volume-slots")).ToHaveAttributeAsync("data-status", "failed");
        await Expect(GridCell(page, "load-volume-slots")).ToHaveTextAsync("✕");
        await Expect(GridCell(page, "calculate-rvol")).ToHaveAttributeAsync("data-status", "skipped");
        await Expect(GridCell(page, "calculate-rvol")).ToHaveTextAsync("–");
        await Expect(GridCell(page, "load-ohlc")).ToHaveAttributeAsync("data-status", "success");

        var failedRow = TimelineRow(page, "load-volume-slots");
        await Expect(failedRow).ToHaveAttributeAsync("data-status", "failed");
        await Expect(failedRow.Locator(".bar.s-failed")).ToHaveCountAsync(1);
        await Expect(failedRow.Locator(".error")).ToHaveTextAsync(failed.GetProperty("error").GetString()!);

        var skippedRow = TimelineRow(page, "calculate-rvol");
        await Expect(skippedRow).ToHaveAttributeAsync("data-status", "skipped");
        await Expect(skippedRow.Locator(".bar")).ToHaveCountAsync(0);
        await Expect(skippedRow.Locator(".no-bar")).ToHaveTextAsync("skipped, not run");
        await Expect(skippedRow.Locator(".skip-reason")).ToHaveTextAsync(skipped.GetProperty("error").GetString()!);

        // Told apart by more than a word: red fill for a failure, amber hatching for a skip, green for success.
        var failedLook = await LookAsync(GridCell(page, "load-volume-slots"));
        var skippedLook = await LookAsync(GridCell(page, "calculate-rvol"));
        var successLook = await LookAsync(GridCell(page, "load-ohlc"));
        Assert.Equal("rgb(220, 38, 38)", failedLook.Color);
        Assert.Equal("none", failedLook.Image);
        Assert.StartsWith("repeating-linear-gradient", skippedLook.Image, StringComparison.Ordinal);
        Assert.Equal("rgb(22, 163, 74)", successLook.Color);
        await ScreenshotAsync(page, "failed-run.png");
    }

    [Fact]
    public async Task A_running_run_shows_each_steps_progress_its_shards_and_the_branches_running_side_by_side()
    {
        // The API's answer for a run in progress, served in place of the real one: what the page draws of it.
        var now = DateTimeOffset.UtcNow;
        var run = new
        {
            run_id = Guid.NewGuid(), date = TargetDate, attempt = 1, state = "Running", requested_by = "scheduler", force = false,
            started_at = now.AddSeconds(-40), completed_at = (DateTimeOffset?)null, duration_seconds = (double?)null, all_success = false,
            running_steps = new[] { "load-volume-slots", "calculate-rvol" }, outcome = (string?)null,
            steps = new object[]
            {
                StepJson("clear-caches", "success", now.AddSeconds(-40), now.AddSeconds(-38)),
                StepJson("load-ohlc", "success", now.AddSeconds(-38), now.AddSeconds(-20)),
                StepJson("load-volume-slots", "running", now.AddSeconds(-38), null, new { done = 3, total = 5, unit = "days" }),
                StepJson("calculate-rvol", "running", now.AddSeconds(-10), null, new { done = 200, total = 980, unit = "tickers" },
                    new { shard = 0, status = "running", done = 120, total = 500, unit = "tickers" },
                    new { shard = 1, status = "running", done = 80, total = 480, unit = "tickers" }),
                StepJson("sync-redis", "pending", null, null),
            },
        };
        var json = JsonSerializer.Serialize(run);
        var runs = JsonSerializer.Serialize(new { runs = new[] { run } });
        var (_, page) = await OpenAsync(RunPageHost.NewFolder(), [], beforeLoading: async page =>
        {
            await page.RouteAsync(new Regex("/status/" + TargetDate + "$"), route => route.FulfillAsync(new() { ContentType = "application/json", Body = json }));
            await page.RouteAsync(new Regex("/runs\\?limit="), route => route.FulfillAsync(new() { ContentType = "application/json", Body = runs }));
        });

        await Expect(page.Locator("#run-status")).ToHaveAttributeAsync("data-run-status", "running");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-active", "true");
        await Expect(page.Locator("#refresh-state")).ToContainTextAsync("every 2 s");
        await Expect(GridCell(page, "load-volume-slots")).ToHaveTextAsync("▶");

        var slots = TimelineRow(page, "load-volume-slots");
        await Expect(slots.Locator(".progress")).ToHaveTextAsync("3 / 5 days");
        await Expect(slots.Locator("progress")).ToHaveAttributeAsync("value", "3");
        await Expect(slots.Locator("progress")).ToHaveAttributeAsync("max", "5");
        Assert.Equal(0.6, await slots.Locator(".progress-fill").EvaluateAsync<double>("f => f.getBoundingClientRect().width / f.parentElement.getBoundingClientRect().width"), 0.02);

        await Expect(TimelineRow(page, "calculate-rvol").Locator(".progress")).ToHaveTextAsync("200 / 980 tickers");
        var shards = page.Locator("#timeline-grid .shard-row[data-step='calculate-rvol']");
        await Expect(shards).ToHaveCountAsync(2);
        await Expect(shards.Nth(0).Locator(".progress")).ToHaveTextAsync("120 / 500 tickers");
        await Expect(shards.Nth(1).Locator(".progress")).ToHaveTextAsync("80 / 480 tickers");

        // load-ohlc and load-volume-slots are independent branches: their bars start at the same place.
        var ohlcLeft = await TimelineRow(page, "load-ohlc").Locator(".bar").EvaluateAsync<double>("b => b.getBoundingClientRect().left");
        var slotsLeft = await slots.Locator(".bar").EvaluateAsync<double>("b => b.getBoundingClientRect().left");
        Assert.Equal(ohlcLeft, slotsLeft, 0.5);
        await Expect(TimelineRow(page, "sync-redis").Locator(".no-bar")).ToHaveTextAsync("not started");
        await ScreenshotAsync(page, "running-run.png");
    }

    [Fact]
    public async Task With_an_api_key_the_page_is_read_only_until_the_key_is_entered_and_the_key_goes_only_into_the_header()
    {
        var key = "page-key-" + Guid.NewGuid().ToString("N");
        // Monday 2026-11-23 10:00 in New York: the market session, when clearing the caches needs a second yes.
        var sessionMorning = new ShiftedClock(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero));
        var (host, page) = await OpenAsync(RunPageHost.NewFolder(), new() { ["Api:Key"] = key }, sessionMorning);
        var posts = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST")
            {
                posts.Add(request);
            }
        };

        using var http = new HttpClient { BaseAddress = host.Address };
        var info = await http.GetStringAsync("/api-info", TestContext.Current.CancellationToken);
        Assert.Equal("{\"api_key_required\":true}", info);

        await Expect(page.Locator("#key-entry")).ToBeVisibleAsync();
        await Expect(page.Locator("#actions")).ToBeHiddenAsync();
        await Expect(page.Locator("#trigger")).ToBeHiddenAsync();
        await Expect(page.Locator("#clear-caches")).ToBeHiddenAsync();

        // A wrong key shows the buttons, is refused by the API, and takes them away again.
        await page.FillAsync("#api-key", "not-the-key");
        await page.ClickAsync("#use-key");
        await Expect(page.Locator("#trigger")).ToBeVisibleAsync();
        await page.ClickAsync("#trigger");
        await Expect(page.Locator("#action-result")).ToContainTextAsync("the API key was refused");
        await Expect(page.Locator("#actions")).ToBeHiddenAsync();
        await Expect(page.Locator("#key-entry")).ToBeVisibleAsync();

        await page.FillAsync("#api-key", key);
        await page.PressAsync("#api-key", "Enter");
        await Expect(page.Locator("#clear-caches")).ToBeVisibleAsync();
        await Expect(page.Locator("#api-key")).ToHaveValueAsync("");
        var questions = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            questions.Add(dialog.Message);
            dialog.AcceptAsync();
        };
        await page.ClickAsync("#clear-caches");
        await Expect(page.Locator("#action-result")).ToContainTextAsync("clear-caches: sent to the clear-caches queue");

        Assert.Equal(2, questions.Count);
        Assert.StartsWith("Not cleared: market session in progress", questions[1], StringComparison.Ordinal);
        Assert.Equal(new[] { "/trigger", "/clear-caches", "/clear-caches" }, posts.Select(p => new Uri(p.Url).AbsolutePath));
        Assert.Null(posts[1].PostData);
        Assert.Equal("{\"force_clear_caches\":true}", posts[2].PostData);
        Assert.Equal("not-the-key", await posts[0].HeaderValueAsync("x-api-key"));
        Assert.Equal(key, await posts[1].HeaderValueAsync("x-api-key"));
        Assert.Equal(key, await posts[2].HeaderValueAsync("x-api-key"));

        Assert.All(posts, p => Assert.DoesNotContain(key, p.Url, StringComparison.Ordinal));
        Assert.DoesNotContain(key, page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length + sessionStorage.length"));
        Assert.Equal("", await page.EvaluateAsync<string>("document.cookie"));
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
    }

    private async Task<(RunPageHost Host, IPage Page)> OpenAsync(
        string folder, Dictionary<string, string?> settings, TimeProvider? clock = null, Func<IPage, Task>? beforeLoading = null)
    {
        BrowserSession browser;
        RunPageHost host;
        try
        {
            // The browser first: without one the test is skipped before the host starts.
            browser = await chromium.OpenAsync();
            _owned.Add(browser);
            host = await RunPageHost.StartAsync(folder, settings, TestContext.Current.CancellationToken, clock);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }

        _owned.Add(host);
        var page = await browser.Context.NewPageAsync();
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add(error);
        if (beforeLoading is not null)
        {
            await beforeLoading(page);
        }

        await page.GotoAsync(host.Address.ToString());
        await Expect(page.Locator("#refresh-state")).ToContainTextAsync("refreshing");
        Assert.Empty(problems);
        return (host, page);
    }

    private static object StepJson(string step, string status, DateTimeOffset? started, DateTimeOffset? completed, object? progress = null, params object[] shards) => new
    {
        step, status, requested = true, started_at = started, completed_at = completed, duration_seconds = (double?)null, work_skipped = false,
        verdict = (string?)null, error = (string?)null, metrics = (object?)null, progress, shards,
    };

    private static async Task<JsonElement> StatusAsync(RunPageHost host)
    {
        using var http = new HttpClient { BaseAddress = host.Address };
        return await http.GetFromJsonAsync<JsonElement>("/status/" + TargetDate, TestContext.Current.CancellationToken);
    }

    private static JsonElement Step(JsonElement run, string name) =>
        run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("step").GetString() == name);

    private static ILocator GridCell(IPage page, string step) =>
        page.Locator($"#grid tr[data-step='{step}'] button[data-date='{TargetDate}']");

    private static ILocator TimelineRow(IPage page, string step) =>
        page.Locator($"#timeline-grid .step-row[data-step='{step}']");

    private static Task<double> BarWidthAsync(ILocator row) =>
        row.Locator(".bar").EvaluateAsync<double>("bar => bar.getBoundingClientRect().width");

    private static async Task<(string Color, string Image)> LookAsync(ILocator cell)
    {
        var look = await cell.EvaluateAsync<string[]>("c => [getComputedStyle(c).backgroundColor, getComputedStyle(c).backgroundImage]");
        return (look[0], look[1]);
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "run-page", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), "image/png");
    }

    [GeneratedRegex(@"^\d+(\.\d+)? s$|^\d+ min \d+ s$")]
    private static partial Regex DurationText();
}
