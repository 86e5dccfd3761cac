using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Core;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Maintenance.Orchestrator.Api;

/// <summary><c>POST /clear-caches</c>: the clear-caches task on its own, outside any run, kept out of the market session.</summary>
internal static class ClearCachesEndpoint
{
    /// <param name="forceClearCaches"><c>true</c> clears even during the market session; also accepted in the body.</param>
    internal static async Task<Results<Accepted<ClearCachesAccepted>, Ok<ClearCachesSkipped>, BadRequest<ApiError>>> ClearCachesAsync(
        HttpRequest request, [FromQuery(Name = "force_clear_caches")] string? forceClearCaches, TradingCalendar calendar, TimeProvider clock, IBus bus, ILoggerFactory logs, CancellationToken ct)
    {
        var body = await ApiRequests.ReadBodyAsync(request, ct);
        ClearCachesRequest asked;
        try
        {
            asked = body.Length == 0 ? new ClearCachesRequest() : JsonSerializer.Deserialize<ClearCachesRequest>(body, ApiRequests.Json) ?? new ClearCachesRequest();
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
}
