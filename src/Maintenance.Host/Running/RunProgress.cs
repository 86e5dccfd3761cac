using System.Collections.Concurrent;
using Maintenance.Contracts;

namespace Maintenance.Host.Running;

/// <summary>
/// The latest progress report of every shard of the runs this process watches; a step's advance is the sum over
/// its shards. Reports of an older attempt than the newest seen for the run are ignored.
/// </summary>
public sealed class RunProgress
{
    private readonly ConcurrentDictionary<Guid, Attempt> _runs = new();

    public void Record(Guid runId, int attempt, MaintenanceStep step, int shard, long done, long total, string unit)
    {
        var current = _runs.AddOrUpdate(runId, _ => new Attempt(attempt), (_, known) => attempt > known.Number ? new Attempt(attempt) : known);
        if (current.Number == attempt)
        {
            current.Shards[(step, shard)] = new StepAdvance(done, total, unit);
        }
    }

    public IReadOnlyDictionary<MaintenanceStep, StepAdvance> Of(Guid runId)
    {
        if (!_runs.TryGetValue(runId, out var attempt))
        {
            return new Dictionary<MaintenanceStep, StepAdvance>();
        }

        return attempt.Shards.ToArray()
            .GroupBy(s => s.Key.Step, s => s.Value)
            .ToDictionary(g => g.Key, g => new StepAdvance(g.Sum(a => a.Done), g.Sum(a => a.Total), g.First().Unit));
    }

    public void Forget(Guid runId) => _runs.TryRemove(runId, out _);

    private sealed record Attempt(int Number)
    {
        public ConcurrentDictionary<(MaintenanceStep Step, int Shard), StepAdvance> Shards { get; } = new();
    }
}
