using System.Collections.Concurrent;
using System.Globalization;
using Maintenance.Contracts;

namespace Maintenance.Host.Running;

/// <summary>What <c>run</c> shows of a step: its state and, while it works, how far it has come.</summary>
public sealed record StepLive(string State, StepAdvance? Advance = null);

/// <summary>Work done of a step's total, over all its shards, in the step's own unit (days, rows, tickers).</summary>
public sealed record StepAdvance(long Done, long Total, string Unit)
{
    /// <summary>0 to 1; null when the total is not known.</summary>
    public double? Fraction => Total > 0 ? Math.Clamp((double)Done / Total, 0, 1) : null;

    public override string ToString() => Total > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Done:N0}/{Total:N0} {Unit}")
        : string.Create(CultureInfo.InvariantCulture, $"{Done:N0} {Unit}");
}

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
