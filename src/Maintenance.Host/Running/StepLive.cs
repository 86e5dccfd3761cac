namespace Maintenance.Host.Running;

/// <summary>What <c>run</c> shows of a step: its state and, while it works, how far it has come.</summary>
public sealed record StepLive(string State, StepAdvance? Advance = null);
