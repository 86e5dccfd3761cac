using System.Globalization;
using Maintenance.Core;
using Maintenance.Orchestrator.Persistence;
using Maintenance.Orchestrator.Schedule;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Maintenance.Orchestrator.Api;

/// <summary>The reading endpoints: <c>/status</c>, <c>/status/{date}</c>, <c>/runs</c> and <c>/next-run</c>.</summary>
internal static class StatusEndpoints
{
    internal static async Task<Results<Ok<RunView>, NotFound<ApiError>>> LatestAsync(SagaDbContext db, CancellationToken ct)
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

    internal static async Task<Results<Ok<RunView>, BadRequest<ApiError>, NotFound<ApiError>>> ByDateAsync(string date, SagaDbContext db, CancellationToken ct)
    {
        if (!ApiRequests.TryParseDate(date, out var targetDate))
        {
            return TypedResults.BadRequest(new ApiError($"'{date}' is not a date in the form yyyy-MM-dd"));
        }

        var run = await db.Runs.AsNoTracking().Include(r => r.Steps).SingleOrDefaultAsync(r => r.TargetDate == targetDate, ct);
        return run is null
            ? TypedResults.NotFound(new ApiError($"no maintenance has run for {date}"))
            : TypedResults.Ok(RunView.Of(run));
    }

    /// <param name="limit">1 to 500 runs, default 20; taken as text so a bad value gets our message, not a bare 400.</param>
    internal static async Task<Results<Ok<RunList>, BadRequest<ApiError>>> RunsAsync(string? limit, SagaDbContext db, CancellationToken ct)
    {
        var count = MaintenanceApi.DefaultRunLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaintenanceApi.MaxRunLimit))
        {
            return TypedResults.BadRequest(new ApiError($"limit '{limit}' must be a whole number from 1 to {MaintenanceApi.MaxRunLimit}"));
        }

        var runs = await db.Runs.AsNoTracking().Include(r => r.Steps)
            .Where(r => r.StartedAt != null)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.TargetDate)
            .Take(count)
            .ToListAsync(ct);
        return TypedResults.Ok(new RunList(runs.Select(RunView.Of).ToList()));
    }

    internal static Ok<NextRunView> NextRun(TradingCalendar calendar, TimeProvider clock, ScheduleSettings schedule)
    {
        var next = calendar.NextMaintenanceAfter(clock.GetUtcNow());
        return TypedResults.Ok(new NextRunView(next.FireAt, next.FireAt.ToUniversalTime(), next.TargetDate, TradingCalendar.NewYork.Id, schedule.Enabled));
    }
}
