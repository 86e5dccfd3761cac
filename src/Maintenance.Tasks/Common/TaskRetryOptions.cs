namespace Maintenance.Tasks.Common;

/// <summary>
/// Waits between the tries of a step whose work threw a transient fault (database, Redis, HTTP); configuration
/// <c>Tasks:Retry:Intervals</c> (e.g. <c>["00:00:01", "00:00:05", "00:00:15"]</c>). The retries run in-process
/// (MassTransit's UseMessageRetry): the broker here has no delayed-message plugin for scheduled redelivery.
/// </summary>
public sealed class TaskRetryOptions
{
    public const string Section = "Tasks:Retry";

    public static readonly TimeSpan[] DefaultIntervals = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];

    /// <summary>One entry per retry after the first try; empty means the defaults.</summary>
    public TimeSpan[] Intervals { get; set; } = [];

    public TimeSpan[] EffectiveIntervals => Intervals.Length == 0 ? DefaultIntervals : Intervals;
}
