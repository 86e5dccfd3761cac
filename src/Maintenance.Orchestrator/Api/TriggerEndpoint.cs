using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Orchestrator.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Maintenance.Orchestrator.Api;

/// <summary><c>POST /trigger</c>: starts the maintenance of a date, after the same start rules the saga applies.</summary>
internal static class TriggerEndpoint
{
    internal static async Task<Results<Accepted<TriggerAccepted>, BadRequest<ApiError>>> TriggerAsync(
        HttpRequest request, TradingCalendar calendar, TimeProvider clock, SagaDbContext db, IBus bus, ILoggerFactory logs, CancellationToken ct)
    {
        var body = await ApiRequests.ReadBodyAsync(request, ct);
        TriggerRequest trigger;
        try
        {
            trigger = body.Length == 0 ? new TriggerRequest() : JsonSerializer.Deserialize<TriggerRequest>(body, ApiRequests.Json) ?? new TriggerRequest();
        }
        catch (JsonException e)
        {
            return TypedResults.BadRequest(new ApiError($"the body is not a trigger request ({{\"target_date\": \"yyyy-MM-dd\", \"force\": false}}): {e.Message}"));
        }

        var targetDate = MaintenanceStartRules.LatestMaintainableDay(calendar, clock.GetUtcNow());
        if (trigger.TargetDate is not null)
        {
            if (!ApiRequests.TryParseDate(trigger.TargetDate, out targetDate))
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
            { CompletedAt: null } => $"a run of {ApiRequests.Iso(targetDate)} (attempt {existing.Attempt}) is in progress; this request changes nothing",
            _ => $"{ApiRequests.Iso(targetDate)} already ran; this starts attempt {existing.Attempt + 1}",
        };

        await bus.Publish(new StartMaintenance(targetDate, "api", force, steps, trigger.ForceClearCaches ?? false), ct);
        logs.CreateLogger(typeof(MaintenanceApi)).LogInformation("POST /trigger: maintenance of {TargetDate} requested (force {Force}, steps {Steps})", targetDate, force, steps);
        var statusUrl = "/status/" + ApiRequests.Iso(targetDate);
        return TypedResults.Accepted(statusUrl, new TriggerAccepted(RunIds.ForDate(targetDate), targetDate, force, steps, statusUrl, note));
    }
}
