using Maintenance.Contracts;

namespace Maintenance.Orchestrator.Timeouts;

/// <summary>
/// Orchestrator-internal: time to look whether a running step has gone silent (published by a Quartz job, see
/// <see cref="StepDeadlines.ArmSilenceCheckAsync"/>). The saga ignores it when the step of that attempt is no longer running.
/// </summary>
public sealed record StepSilenceCheck(Guid RunId, MaintenanceStep Step, int Attempt);
