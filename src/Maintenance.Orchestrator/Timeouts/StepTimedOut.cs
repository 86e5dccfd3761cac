using Maintenance.Contracts;

namespace Maintenance.Orchestrator.Timeouts;

/// <summary>
/// Orchestrator-internal: a step's deadline passed (published by a Quartz job, see <see cref="Timeouts.StepDeadlines"/>).
/// The saga ignores it when the step of that attempt is no longer running.
/// </summary>
public sealed record StepTimedOut(Guid RunId, MaintenanceStep Step, int Attempt, double TimeoutSeconds);
