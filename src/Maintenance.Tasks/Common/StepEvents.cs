using Maintenance.Contracts;

namespace Maintenance.Tasks.Common;

/// <summary>The completion event of each step; all share one shape (IStepCompleted).</summary>
public static class StepEvents
{
    public static IStepCompleted Completed(MaintenanceStep step, IStepCommand command, StepResult result, double seconds) => step switch
    {
        MaintenanceStep.ClearCaches => new CachesCleared(command.RunId, command.TargetDate, command.Attempt, result.Skipped, result.Validation, result.Metrics, seconds),
        MaintenanceStep.LoadOhlc => new OhlcLoaded(command.RunId, command.TargetDate, command.Attempt, result.Skipped, result.Validation, result.Metrics, seconds),
        MaintenanceStep.RecoverMissingTickers => new MissingTickersRecovered(command.RunId, command.TargetDate, command.Attempt, result.Skipped, result.Validation, result.Metrics, seconds),
        MaintenanceStep.LoadVolumeSlots => new VolumeSlotsLoaded(command.RunId, command.TargetDate, command.Attempt, result.Skipped, result.Validation, result.Metrics, seconds),
        MaintenanceStep.CalculateAtr => new AtrCalculated(command.RunId, command.TargetDate, command.Attempt, result.Skipped, result.Validation, result.Metrics, seconds),
        MaintenanceStep.CalculateRvol => new RvolCalculated(command.RunId, command.TargetDate, command.Attempt, result.Skipped, result.Validation, result.Metrics, seconds),
        MaintenanceStep.EnrichMetadata => new MetadataEnriched(command.RunId, command.TargetDate, command.Attempt, result.Skipped, result.Validation, result.Metrics, seconds),
        MaintenanceStep.SyncRedis => new RedisSynced(command.RunId, command.TargetDate, command.Attempt, result.Skipped, result.Validation, result.Metrics, seconds),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown maintenance step."),
    };
}
