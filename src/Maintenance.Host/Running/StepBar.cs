namespace Maintenance.Host.Running;

/// <summary>Where a step's bar stands for its state and progress.</summary>
/// <param name="Value">With <paramref name="MaxValue"/> null: the bar stays where it was (a failed step keeps what it had done).</param>
public sealed record StepBar(double? Value, double? MaxValue, bool Indeterminate, bool Started, bool Stopped)
{
    public static StepBar Of(StepLive live)
    {
        ArgumentNullException.ThrowIfNull(live);
        return live.State switch
        {
            "pending" => new StepBar(0, 1, false, false, false),
            "running" when live.Advance is { Total: > 0 } advance => new StepBar(Math.Min(advance.Done, advance.Total), advance.Total, false, true, false),
            "running" => new StepBar(0, 1, true, true, false),
            "success" => new StepBar(1, 1, false, true, true),
            "skipped" => new StepBar(0, 1, false, false, true),
            _ => new StepBar(null, null, false, true, true),
        };
    }
}
