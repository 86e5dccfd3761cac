using Maintenance.Data.MarketData;

namespace Maintenance.Tasks.Common;

/// <summary>
/// What a step answers the saga: the events built from a command and its result, and which faults end the step at
/// once. <see cref="StepConsumer{TStep}"/> answers with these, and so does a test that runs a step service directly.
/// </summary>
public static class StepAnswers
{
    public static MaintenanceStepCompleted Completed(RunMaintenanceStep command, StepResult result, double seconds)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(result);
        return new(command.RunId, command.TargetDate, command.Attempt, command.Step, command.Shard, command.ShardCount, result.Skipped, result.Validation, result.Metrics, seconds);
    }

    public static MaintenanceStepFailed Failed(RunMaintenanceStep command, string reason, bool retryable)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new(command.RunId, command.TargetDate, command.Attempt, command.Step, reason, retryable, command.Shard);
    }

    /// <summary>
    /// Faults that another try cannot fix: the data for the day is not there, the source refused it for good, or the
    /// data itself is broken (a corrupt gzip, the same symbol twice in a day).
    /// </summary>
    public static bool IsUnusableInput(Exception e) =>
        e is StepInputException or MarketDataMissingException or MarketDataException { Transient: false } or InvalidDataException;
}
