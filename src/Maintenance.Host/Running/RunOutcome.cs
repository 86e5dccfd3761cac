using Maintenance.Contracts;

namespace Maintenance.Host.Running;

/// <summary>How a run ended, as <c>run</c> reports it: its verdict, times and the outcome of each step.</summary>
public sealed record RunOutcome(Guid RunId, DateOnly TargetDate, int Attempt, bool Succeeded, string? Reason, DateTimeOffset StartedAt, DateTimeOffset EndedAt, StepOutcome[] Steps);
