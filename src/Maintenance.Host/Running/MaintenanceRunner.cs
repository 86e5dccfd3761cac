using Maintenance.Contracts;
using MassTransit;

namespace Maintenance.Host.Running;

/// <summary>Starts a run on the bus and waits for its final event, reporting step states while it goes.</summary>
public sealed class MaintenanceRunner(IBus bus, RunOutcomes outcomes, RunStatus status)
{
    public async Task<RunOutcome> RunAsync(
        StartMaintenance start,
        Action<IReadOnlyDictionary<MaintenanceStep, string>> onProgress,
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
                onProgress(await status.ReadAsync(start.TargetDate));
                try
                {
                    await Task.WhenAny(finished, Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"The maintenance of {start.TargetDate:yyyy-MM-dd} did not finish within {timeout}.");
                }
            }

            onProgress(await status.ReadAsync(start.TargetDate));
            return await finished;
        }
        finally
        {
            outcomes.Forget(runId);
        }
    }
}
