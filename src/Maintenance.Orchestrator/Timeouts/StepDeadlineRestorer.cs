using Maintenance.Contracts;
using Maintenance.Orchestrator.Persistence;
using Maintenance.Orchestrator.Schedule;
using Microsoft.EntityFrameworkCore;

namespace Maintenance.Orchestrator.Timeouts;

/// <summary>
/// Deadlines live in Quartz's memory, so a restarted orchestrator re-arms them from the runs in the database: the
/// running step's deadline stays its start plus its timeout (past ones fire at once). A replica arming the same
/// deadline twice is harmless: the second timeout finds the step no longer running. The steps' silence checks
/// (<see cref="StepSilence"/>) are re-armed the same way.
/// </summary>
public sealed class StepDeadlineRestorer(
    IServiceScopeFactory scopes,
    StepDeadlines deadlines,
    IHostApplicationLifetime lifetime,
    ILogger<StepDeadlineRestorer> log) : BackgroundService
{
    /// <returns>How many deadlines were armed.</returns>
    public async Task<int> RestoreAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaDbContext>();
        var running = await db.StepRuns.AsNoTracking()
            .Where(s => s.Status == StepStatus.Running && s.StartedAt != null)
            .Join(db.Runs.Where(r => r.CompletedAt == null), s => new { s.RunId, s.Attempt }, r => new { RunId = r.CorrelationId, r.Attempt }, (s, r) => s)
            .ToListAsync(ct);
        foreach (var step in running)
        {
            await deadlines.ArmAsync(step.RunId, step.Step, step.Attempt, step.StartedAt!.Value, ct);
            // Due at once: the saga judges the silence from the shards' stored times, and re-arms the next check itself.
            await deadlines.ArmSilenceCheckAsync(step.RunId, step.Step, step.Attempt, step.StartedAt!.Value, ct);
        }

        if (running.Count > 0)
        {
            log.LogInformation("Re-armed {Count} step deadlines of active runs", running.Count);
        }

        return running.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await HostStarted.WaitAsync(lifetime, stoppingToken))
        {
            return;
        }

        try
        {
            await RestoreAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            log.LogError(e, "Could not re-arm the deadlines of active runs; a step that never answers may hold its run");
        }
    }
}
