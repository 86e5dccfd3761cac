using System.Collections.Concurrent;

namespace Maintenance.Host.Running;

/// <summary>Where a waiting command learns that a run has ended: the saga's final events.</summary>
public sealed class RunOutcomes
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<RunOutcome>> _waiting = new();

    public Task<RunOutcome> WaitAsync(Guid runId) =>
        _waiting.GetOrAdd(runId, _ => new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(Guid runId) => _waiting.TryRemove(runId, out _);

    internal void Complete(RunOutcome outcome)
    {
        if (_waiting.TryGetValue(outcome.RunId, out var waiting))
        {
            waiting.TrySetResult(outcome);
        }
    }
}
