using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Orchestrator.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Maintenance.Orchestrator.Schedule;

/// <summary>
/// What the cron and the start-up catch-up do: publish <see cref="StartMaintenance"/> by the
/// <see cref="MaintenanceRun.Scheduler"/> for a date that has no run yet. Replicas that race past the check still
/// make one run: the saga's primary key takes one first start and ignores the scheduler's start of an existing date.
/// </summary>
public sealed class ScheduledMaintenance(SagaDbContext db, IBus bus, ILogger<ScheduledMaintenance> log)
{
    /// <returns>True when a start was published.</returns>
    public async Task<bool> StartIfNoRunAsync(MaintenanceTime due, string trigger, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(due);
        var run = await db.Runs.AsNoTracking()
            .Where(r => r.TargetDate == due.TargetDate)
            .Select(r => new { r.Attempt, r.CurrentState })
            .SingleOrDefaultAsync(ct);
        if (run is not null)
        {
            log.LogInformation("Scheduled maintenance ({Trigger}) of {TargetDate}, due {FireAt:u}: the date already has a run (attempt {Attempt}, {State}); nothing to start", trigger, due.TargetDate, due.FireAt, run.Attempt, run.CurrentState);
            return false;
        }

        await bus.Publish(new StartMaintenance(due.TargetDate, MaintenanceRun.Scheduler), ct);
        log.LogInformation("Scheduled maintenance ({Trigger}) of {TargetDate}, due {FireAt:u}: started", trigger, due.TargetDate, due.FireAt);
        return true;
    }
}
