namespace Maintenance.Contracts;

/// <summary>
/// Starts (or re-runs) the maintenance of one trading day. Anyone may publish it: the scheduler,
/// <c>POST /trigger</c>, the CLI, or a plain AMQP client. The saga validates it whoever sent it.
/// </summary>
/// <param name="TargetDate">The trading day whose data is maintained (normally the previous trading day).</param>
/// <param name="RequestedBy">Who asked: <c>scheduler</c>, <c>api</c>, <c>cli</c>, a service name.</param>
/// <param name="Force">Redo work that is already complete and valid.</param>
/// <param name="Steps">Queue names of the steps to run (<c>load-ohlc</c>, ...); null or empty runs all.</param>
/// <param name="ForceClearCaches">Clear the real-time caches even while a market session is in progress.</param>
public sealed record StartMaintenance(DateOnly TargetDate, string RequestedBy, bool Force = false, string[]? Steps = null, bool ForceClearCaches = false);
