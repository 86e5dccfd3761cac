using Maintenance.Contracts;

namespace Maintenance.Orchestrator;

/// <summary>One step of one attempt of a run: a row of <c>maintenance_step_runs</c>.</summary>
public class StepRun
{
    public Guid RunId { get; set; }

    public int Attempt { get; set; }

    public MaintenanceStep Step { get; set; }

    /// <summary>False when the start request limited the run to other steps.</summary>
    public bool Requested { get; set; }

    public StepStatus Status { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The task's own measure of its work.</summary>
    public double? DurationSeconds { get; set; }

    /// <summary>The task found its output already complete and valid and redid nothing.</summary>
    public bool WorkSkipped { get; set; }

    /// <summary>The task's one-line validation verdict.</summary>
    public string? Verdict { get; set; }

    public string? Error { get; set; }

    public Dictionary<string, double>? Metrics { get; set; }

    /// <summary>The shards the step's work was split into (one for a step that does not divide), with their progress.</summary>
    public List<ShardRun> Shards { get; set; } = [];

    /// <summary>Done so far over all shards, in <see cref="ProgressUnit"/>; null before any shard reported.</summary>
    public long? ProgressDone => Shards.Any(s => s.Unit is not null) ? Shards.Sum(s => s.Done) : null;

    public long? ProgressTotal => Shards.Any(s => s.Unit is not null) ? Shards.Sum(s => s.Total) : null;

    public string? ProgressUnit => Shards.Select(s => s.Unit).FirstOrDefault(u => u is not null);
}
