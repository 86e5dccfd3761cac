using Maintenance.Contracts;

namespace Maintenance.Orchestrator;

public static class StepCommands
{
    /// <summary>The command that asks a step's task to do its work for a run.</summary>
    public static IStepCommand For(MaintenanceStep step, Guid runId, DateOnly targetDate, int attempt, bool force) => step switch
    {
        MaintenanceStep.ClearCaches => new ClearCaches(runId, targetDate, attempt, force),
        MaintenanceStep.LoadOhlc => new LoadOhlc(runId, targetDate, attempt, force),
        MaintenanceStep.RecoverMissingTickers => new RecoverMissingTickers(runId, targetDate, attempt, force),
        MaintenanceStep.LoadVolumeSlots => new LoadVolumeSlots(runId, targetDate, attempt, force),
        MaintenanceStep.CalculateAtr => new CalculateAtr(runId, targetDate, attempt, force),
        MaintenanceStep.CalculateRvol => new CalculateRvol(runId, targetDate, attempt, force),
        MaintenanceStep.EnrichMetadata => new EnrichMetadata(runId, targetDate, attempt, force),
        MaintenanceStep.SyncRedis => new SyncRedis(runId, targetDate, attempt, force),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown maintenance step."),
    };

    /// <summary>The short address of a step's queue; resolves on RabbitMQ and on the in-memory transport.</summary>
    public static Uri Address(MaintenanceStep step) => new($"queue:{step.QueueName()}");
}
