using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Maintenance.Benchmarks.Bench;

/// <summary>One step of a run as the orchestrator's <c>GET /status/{date}</c> shows it.</summary>
public sealed record StepStatus(
    string Step,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? DurationSeconds,
    bool WorkSkipped,
    string? Verdict,
    string? Error,
    IReadOnlyDictionary<string, double>? Metrics);

/// <summary>A run as <c>GET /status/{date}</c> shows it.</summary>
public sealed record RunStatus(
    Guid RunId,
    DateOnly Date,
    int Attempt,
    string State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    bool AllSuccess,
    string? Outcome,
    IReadOnlyList<StepStatus> Steps)
{
    public bool Finished => State is "Completed" or "CompletedWithErrors" or "Failed";

    public bool Succeeded => State == "Completed" && AllSuccess;
}

/// <summary>One finished maintenance as the bench saw it: the run's status and the time from the trigger to the run's end.</summary>
public sealed record MeasuredRun(RunStatus Status, TimeSpan EndToEnd);

/// <summary>
/// Starts runs through the orchestrator's HTTP API (<c>POST /trigger</c>) and watches <c>GET /status/{date}</c> until
/// the attempt ends: the operator's contract, so the bench needs nothing of the bus's message types.
/// </summary>
public sealed class BenchApi(HttpClient http, Uri orchestrator)
{
    // Each status costs the orchestrator ~5 ms of CPU and PostgreSQL ~1.5 ms (measured at 11,000 tickers): polled
    // every 50 ms that was ~7 % of this 2-core machine taken from the steps being measured. The end of a run is read
    // from its own CompletedAt (the same clock), so polling less often costs the figure no precision.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <exception cref="TimeoutException">The attempt did not end within <paramref name="timeout"/>.</exception>
    public async Task<MeasuredRun> RunAsync(DateOnly date, TimeSpan timeout, CancellationToken ct)
    {
        var before = (await StatusAsync(date, ct))?.Attempt ?? 0;
        var clock = Stopwatch.StartNew();
        var triggered = DateTimeOffset.UtcNow;
        using (var trigger = await http.PostAsJsonAsync(new Uri(orchestrator, "trigger"), new { target_date = Iso(date) }, ct))
        {
            if (trigger.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST /trigger {Iso(date)} answered {(int)trigger.StatusCode}: {await trigger.Content.ReadAsStringAsync(ct)}");
            }
        }

        while (clock.Elapsed < timeout)
        {
            if (await StatusAsync(date, ct) is { } status && status.Attempt > before && status.Finished)
            {
                var end = status.CompletedAt is { } completed && completed > triggered ? completed - triggered : clock.Elapsed;
                return new MeasuredRun(status, end);
            }

            await Task.Delay(PollInterval, ct);
        }

        throw new TimeoutException($"The maintenance of {Iso(date)} did not finish within {timeout.TotalMinutes:F0} minutes (--timeout).");
    }

    private async Task<RunStatus?> StatusAsync(DateOnly date, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(orchestrator, "status/" + Iso(date)), ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<RunStatus>(Json, ct);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
