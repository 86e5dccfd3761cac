using Maintenance.Contracts;
using MassTransit;
using StackExchange.Redis;

namespace Maintenance.Host.Running;

/// <summary>
/// Starts a run on the bus and waits for its final event, reporting step states and progress while it goes. The
/// event goes to a temporary queue that a broker restart deletes: when the status key says the run ended and no
/// event came within <see cref="EventGrace"/>, the status is the answer.
/// </summary>
public sealed class MaintenanceRunner(IBus bus, RunOutcomes outcomes, RunStatus status, RunProgress progress)
{
    public static readonly TimeSpan EventGrace = TimeSpan.FromSeconds(10);

    /// <summary>Clocks of different machines may differ by this much: an attempt that started this long before our start is still ours.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    public async Task<RunOutcome> RunAsync(
        StartMaintenance start,
        Action<IReadOnlyDictionary<MaintenanceStep, StepLive>> onProgress,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var runId = RunIds.ForDate(start.TargetDate);
        var finished = outcomes.WaitAsync(runId);
        DateTimeOffset? endSeen = null;
        try
        {
            var publishedAt = DateTimeOffset.UtcNow;
            await bus.Publish(start, cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            while (!finished.IsCompleted)
            {
                if (await ShowAsync(start.TargetDate, runId, onProgress, publishedAt) is { } end)
                {
                    endSeen ??= DateTimeOffset.UtcNow;
                    if (DateTimeOffset.UtcNow - endSeen >= EventGrace)
                    {
                        var reason = end.AllSuccess ? null : "ended with failed or skipped steps (the end event was lost with the bus; the status key says so)";
                        return new RunOutcome(runId, start.TargetDate, 0, end.AllSuccess, reason, end.StartedAt, end.CompletedAt, []);
                    }
                }

                // WhenAny never throws: a cancelled delay only ends it at once, so a stop and the deadline are checked here.
                await Task.WhenAny(finished, Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token));
                cancellationToken.ThrowIfCancellationRequested();
                if (deadline.IsCancellationRequested && !finished.IsCompleted)
                {
                    throw new TimeoutException(
                        $"the maintenance of {start.TargetDate:yyyy-MM-dd} did not finish within {timeout:g}; the run itself goes on (GET /status/{start.TargetDate:yyyy-MM-dd} shows where it is).");
                }
            }

            await ShowAsync(start.TargetDate, runId, onProgress, publishedAt);
            return await finished;
        }
        finally
        {
            outcomes.Forget(runId);
            progress.Forget(runId);
        }
    }

    /// <summary>
    /// Shows the step states and says whether the status key has the run ended. Redis paused or restarting only
    /// leaves the display behind: the wait goes on for the end event.
    /// </summary>
    private async Task<(DateTimeOffset StartedAt, DateTimeOffset CompletedAt, bool AllSuccess)?> ShowAsync(
        DateOnly date, Guid runId, Action<IReadOnlyDictionary<MaintenanceStep, StepLive>> onProgress, DateTimeOffset publishedAt)
    {
        try
        {
            onProgress(await LiveAsync(date, runId));
            return await status.ReadEndAsync(date, publishedAt - ClockSkew);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The saga's step states (Redis status key) with the progress reports of the running steps.</summary>
    private async Task<IReadOnlyDictionary<MaintenanceStep, StepLive>> LiveAsync(DateOnly date, Guid runId)
    {
        var states = await status.ReadAsync(date);
        var advances = progress.Of(runId);
        return states.ToDictionary(
            s => s.Key,
            s => new StepLive(s.Value, s.Value == "running" ? advances.GetValueOrDefault(s.Key) : null));
    }
}
