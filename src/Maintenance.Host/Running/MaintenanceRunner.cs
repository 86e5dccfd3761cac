using Maintenance.Contracts;
using MassTransit;

namespace Maintenance.Host.Running;

/// <summary>Starts a run on the bus and waits for its final event, reporting step states and progress while it goes.</summary>
public sealed class MaintenanceRunner(IBus bus, RunOutcomes outcomes, RunStatus status, RunProgress progress)
{
    public async Task<RunOutcome> RunAsync(
        StartMaintenance start,
        Action<IReadOnlyDictionary<MaintenanceStep, StepLive>> onProgress,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var runId = RunIds.ForDate(start.TargetDate);
        var finished = outcomes.WaitAsync(runId);
        try
        {
            await bus.Publish(start, cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            while (!finished.IsCompleted)
            {
                onProgress(await LiveAsync(start.TargetDate, runId));

                // WhenAny never throws: a cancelled delay only ends it at once, so a stop and the deadline are checked here.
                await Task.WhenAny(finished, Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token));
                cancellationToken.ThrowIfCancellationRequested();
                if (deadline.IsCancellationRequested && !finished.IsCompleted)
                {
                    throw new TimeoutException(
                        $"the maintenance of {start.TargetDate:yyyy-MM-dd} did not finish within {timeout:g}; the run itself goes on (GET /status/{start.TargetDate:yyyy-MM-dd} shows where it is).");
                }
            }

            onProgress(await LiveAsync(start.TargetDate, runId));
            return await finished;
        }
        finally
        {
            outcomes.Forget(runId);
            progress.Forget(runId);
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
