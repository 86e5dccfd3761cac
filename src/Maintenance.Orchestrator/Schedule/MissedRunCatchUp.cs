using Maintenance.Core;

namespace Maintenance.Orchestrator.Schedule;

/// <summary>
/// At start-up (once the bus runs), starts the latest maintenance that was due at or before now when its date has no
/// run: a service that was down at 03:00 catches up, and a fresh install gets its first day at once.
/// </summary>
public sealed class MissedRunCatchUp(
    IServiceScopeFactory scopes,
    TradingCalendar calendar,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<MissedRunCatchUp> log) : BackgroundService
{
    /// <returns>True when a start was published.</returns>
    public async Task<bool> CatchUpAsync(CancellationToken ct = default)
    {
        var due = calendar.LatestMaintenanceAtOrBefore(clock.GetUtcNow());
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ScheduledMaintenance>().StartIfNoRunAsync(due, "catch-up", ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await HostStarted.WaitAsync(lifetime, stoppingToken))
        {
            return;
        }

        try
        {
            await CatchUpAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // The cron still runs; a failed catch-up must not stop the host.
            log.LogError(e, "The start-up catch-up of a missed maintenance failed");
        }
    }
}
