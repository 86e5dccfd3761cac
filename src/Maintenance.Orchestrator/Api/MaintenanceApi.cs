// Longer than 250 lines: the operator API's endpoints and their validation side by side, so the contract reads in one place.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Orchestrator.Api;
using Maintenance.Orchestrator.Persistence;
using Maintenance.Orchestrator.Schedule;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maintenance.Orchestrator.Api;

/// <summary>
/// The operator API (port 8008 in the host): <c>/health</c>, <c>/status</c>, <c>/status/{date}</c>, <c>/runs</c>,
/// <c>/next-run</c>, <c>POST /trigger</c>, <c>POST /clear-caches</c> and <c>/openapi/v1.json</c>. JSON is snake_case.
/// When <c>Api:Key</c> is configured the two POSTs require it in the <c>X-Api-Key</c> header.
/// </summary>
public static class MaintenanceApi
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const int DefaultRunLimit = 20;
    public const int MaxRunLimit = 500;

    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Health checks (bus by MassTransit, database, Redis), OpenAPI, snake_case JSON and the API key setting.</summary>
    public static IServiceCollection AddMaintenanceApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddHealthChecks()
            .AddCheck<SagaDatabaseHealthCheck>("database")
            .AddCheck<RedisHealthCheck>("redis");
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
        });
        services.AddSingleton(new ApiKey(configuration["Api:Key"]));
        return services;
    }

    public static IEndpointRouteBuilder MapMaintenanceApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi();
        app.MapMaintenanceHealth();

        app.MapGet("/status", LatestAsync).WithName("GetLatestStatus").WithSummary("The latest run (by start time).");
        app.MapGet("/status/{date}", ByDateAsync).WithName("GetStatus").WithSummary("The run of one target date (yyyy-MM-dd).");
        app.MapGet("/runs", RunsAsync).WithName("GetRuns").WithSummary("Run history, newest first; ?limit=1..500 (default 20).");
        app.MapGet("/next-run", NextRun).WithName("GetNextRun").WithSummary("The next scheduled fire (03:00 America/New_York on a trading day) and the day it maintains.");

        var mutating = app.MapGroup(string.Empty).AddEndpointFilter<ApiKeyFilter>();
        mutating.MapPost("/trigger", TriggerAsync).WithName("Trigger")
            .WithSummary("Starts the maintenance of a date (default: the previous trading day); answers at once with the run id.")
            .Accepts<TriggerRequest>(true, "application/json")
            .Produces<ApiError>(StatusCodes.Status401Unauthorized);
        mutating.MapPost("/clear-caches", ClearCachesAsync).WithName("ClearCaches")
            .WithSummary("Sends the clear-caches task on its own (outside any run). During the market session (04:00-20:00 America/New_York on a trading day) it is skipped (200, reason \"market session in progress\") unless force_clear_caches is true, in the query or the body.")
            .Accepts<ClearCachesRequest>(true, "application/json")
            .Produces<ApiError>(StatusCodes.Status401Unauthorized);
        app.MapRunPage();
        return app;
    }

    /// <summary>
    /// <c>/health</c> of every role: 200 only when every check is healthy, else 503 with each check named. MassTransit
    /// reports a bus that lost its broker as Degraded, which must not pass for healthy.
    /// </summary>
    public static IEndpointConventionBuilder MapMaintenanceHealth(this IEndpointRouteBuilder app) =>
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = HealthReportWriter.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });

    private static async Task<Results<Ok<RunView>, NotFound<ApiError>>> LatestAsync(SagaDbContext db, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().Include(r => r.Steps)
            .Where(r => r.StartedAt != null)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.TargetDate)
            .FirstOrDefaultAsync(ct);
        return run is null
            ? TypedResults.NotFound(new ApiError("no maintenance has run yet"))
            : TypedResults.Ok(RunView.Of(run));
    }

    private static async Task<Results<Ok<RunView>, BadRequest<ApiError>, NotFound<ApiError>>> ByDateAsync(string date, SagaDbContext db, CancellationToken ct)
    {
        if (!TryParseDate(date, out var targetDate))
        {
            return TypedResults.BadRequest(new ApiError($"'{date}' is not a date in the form yyyy-MM-dd"));
        }

        var run = await db.Runs.AsNoTracking().Include(r => r.Steps).SingleOrDefaultAsync(r => r.TargetDate == targetDate, ct);
        return run is null
            ? TypedResults.NotFound(new ApiError($"no maintenance has run for {date}"))
            : TypedResults.Ok(RunView.Of(run));
    }

    /// <param name="limit">1 to 500 runs, default 20; taken as text so a bad value gets our message, not a bare 400.</param>
    private static async Task<Results<Ok<RunList>, BadRequest<ApiError>>> RunsAsync(string? limit, SagaDbContext db, CancellationToken ct)
    {
        var count = DefaultRunLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxRunLimit))
        {
            return TypedResults.BadRequest(new ApiError($"limit '{limit}' must be a whole number from 1 to {MaxRunLimit}"));
        }

        var runs = await db.Runs.AsNoTracking().Include(r => r.Steps)
            .Where(r => r.StartedAt != null)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.TargetDate)
            .Take(count)
            .ToListAsync(ct);
        return TypedResults.Ok(new RunList(runs.Select(RunView.Of).ToList()));
    }

    private static Ok<NextRunView> NextRun(TradingCalendar calendar, TimeProvider clock, ScheduleSettings schedule)
    {
        var next = calendar.NextMaintenanceAfter(clock.GetUtcNow());
        return TypedResults.Ok(new NextRunView(next.FireAt, next.FireAt.ToUniversalTime(), next.TargetDate, TradingCalendar.NewYork.Id, schedule.Enabled));
    }

    private static async Task<Results<Accepted<TriggerAccepted>, BadRequest<ApiError>>> TriggerAsync(
        HttpRequest request, TradingCalendar calendar, TimeProvider clock, SagaDbContext db, IBus bus, ILoggerFactory logs, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        TriggerRequest trigger;
        try
        {
            trigger = body.Length == 0 ? new TriggerRequest() : JsonSerializer.Deserialize<TriggerRequest>(body, RequestJson) ?? new TriggerRequest();
        }
        catch (JsonException e)
        {
            return TypedResults.BadRequest(new ApiError($"the body is not a trigger request ({{\"target_date\": \"yyyy-MM-dd\", \"force\": false}}): {e.Message}"));
        }

        var targetDate = MaintenanceStartRules.LatestMaintainableDay(calendar, clock.GetUtcNow());
        if (trigger.TargetDate is not null)
        {
            if (!TryParseDate(trigger.TargetDate, out targetDate))
            {
                return TypedResults.BadRequest(new ApiError($"target_date '{trigger.TargetDate}' is not a date in the form yyyy-MM-dd"));
            }

            if (MaintenanceStartRules.Check(targetDate, calendar, clock.GetUtcNow()) is { } refusal)
            {
                return TypedResults.BadRequest(new ApiError("target_date " + refusal));
            }
        }

        var unknown = (trigger.Steps ?? []).Where(s => !MaintenanceSteps.TryParse(s ?? string.Empty, out _)).ToList();
        if (unknown.Count > 0)
        {
            var known = string.Join(", ", MaintenanceSteps.InOrder.Select(s => s.QueueName()));
            return TypedResults.BadRequest(new ApiError($"steps {string.Join(", ", unknown.Select(s => $"'{s}'"))} name no step; use {known}"));
        }

        var force = trigger.Force ?? false;
        var steps = trigger.Steps is { Length: > 0 } ? trigger.Steps : null;
        var existing = await db.Runs.AsNoTracking().Where(r => r.TargetDate == targetDate)
            .Select(r => new { r.Attempt, r.CompletedAt })
            .SingleOrDefaultAsync(ct);
        var note = existing switch
        {
            null => "started: the run proceeds on the bus",
            { CompletedAt: null } => $"a run of {Iso(targetDate)} (attempt {existing.Attempt}) is in progress; this request changes nothing",
            _ => $"{Iso(targetDate)} already ran; this starts attempt {existing.Attempt + 1}",
        };

        await bus.Publish(new StartMaintenance(targetDate, "api", force, steps, trigger.ForceClearCaches ?? false), ct);
        logs.CreateLogger(typeof(MaintenanceApi)).LogInformation("POST /trigger: maintenance of {TargetDate} requested (force {Force}, steps {Steps})", targetDate, force, steps);
        var statusUrl = "/status/" + Iso(targetDate);
        return TypedResults.Accepted(statusUrl, new TriggerAccepted(RunIds.ForDate(targetDate), targetDate, force, steps, statusUrl, note));
    }

    /// <param name="forceClearCaches"><c>true</c> clears even during the market session; also accepted in the body.</param>
    private static async Task<Results<Accepted<ClearCachesAccepted>, Ok<ClearCachesSkipped>, BadRequest<ApiError>>> ClearCachesAsync(
        HttpRequest request, [FromQuery(Name = "force_clear_caches")] string? forceClearCaches, TradingCalendar calendar, TimeProvider clock, IBus bus, ILoggerFactory logs, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        ClearCachesRequest asked;
        try
        {
            asked = body.Length == 0 ? new ClearCachesRequest() : JsonSerializer.Deserialize<ClearCachesRequest>(body, RequestJson) ?? new ClearCachesRequest();
        }
        catch (JsonException e)
        {
            return TypedResults.BadRequest(new ApiError($"the body is not a clear-caches request ({{\"force_clear_caches\": true}}): {e.Message}"));
        }

        var forcedByQuery = false;
        if (forceClearCaches is not null && !bool.TryParse(forceClearCaches, out forcedByQuery))
        {
            return TypedResults.BadRequest(new ApiError($"force_clear_caches '{forceClearCaches}' must be true or false"));
        }

        var now = clock.GetUtcNow();
        var targetDate = MaintenanceStartRules.LatestMaintainableDay(calendar, now);
        var log = logs.CreateLogger(typeof(MaintenanceApi));
        if (MarketSession.IsInProgress(now, calendar) && !(forcedByQuery || asked.ForceClearCaches == true))
        {
            log.LogWarning("POST /clear-caches skipped: {Reason}", MarketSession.InProgressReason);
            return TypedResults.Ok(new ClearCachesSkipped(true, MarketSession.InProgressReason,
                "between 04:00 and 20:00 America/New_York on a trading day the scanners are filling these keys; send force_clear_caches=true to clear them anyway"));
        }

        // Its own run id: the answer must not be mistaken for a step of the date's maintenance run.
        var runId = Guid.NewGuid();
        var endpoint = await bus.GetSendEndpoint(StepCommands.Address(MaintenanceStep.ClearCaches));
        // The session rule was applied above: the task is told to clear whatever the hour.
        await endpoint.Send(new RunMaintenanceStep(runId, targetDate, 0, MaintenanceStep.ClearCaches, Force: true, ForceClearCaches: true), ct);
        log.LogInformation("POST /clear-caches: sent under run id {RunId}", runId);
        return TypedResults.Accepted((string?)null, new ClearCachesAccepted(runId, targetDate, "sent to the clear-caches queue; the task answers with MaintenanceStepCompleted under this run id"));
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return (await reader.ReadToEndAsync(ct)).Trim();
    }

    private static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary><c>Api:Key</c>; null or empty leaves the POSTs open (the embedded profile on a laptop).</summary>
public sealed record ApiKey(string? Value)
{
    public bool IsRequired => !string.IsNullOrEmpty(Value);

    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(Value ?? string.Empty));
}

internal sealed class ApiKeyFilter(ApiKey key) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (key.IsRequired && !key.Matches(context.HttpContext.Request.Headers[MaintenanceApi.ApiKeyHeader].FirstOrDefault()))
        {
            return TypedResults.Json(new ApiError($"missing or wrong {MaintenanceApi.ApiKeyHeader} header"), statusCode: StatusCodes.Status401Unauthorized);
        }

        return await next(context);
    }
}
