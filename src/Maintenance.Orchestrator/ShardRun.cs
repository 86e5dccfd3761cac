using Maintenance.Contracts;

namespace Maintenance.Orchestrator;

/// <summary>One shard of a running or finished step: its answer and how far it has come.</summary>
public class ShardRun
{
    public int Shard { get; set; }

    public StepStatus Status { get; set; }

    public long Done { get; set; }

    public long Total { get; set; }

    public string? Unit { get; set; }

    public bool Skipped { get; set; }

    public double? DurationSeconds { get; set; }

    public string? Verdict { get; set; }

    public Dictionary<string, double>? Metrics { get; set; }

    /// <summary>The last sign of life: sent, progress or a heartbeat, answered (<see cref="Timeouts.StepSilence"/>).</summary>
    public DateTimeOffset? HeardAt { get; set; }

    /// <summary>How many times the shard's command was sent again because its step went silent.</summary>
    public int Resends { get; set; }
}
