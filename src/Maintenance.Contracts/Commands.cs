namespace Maintenance.Contracts;

/// <summary>
/// Starts (or re-runs) the maintenance of one trading day. Anyone may publish it: the scheduler,
/// <c>POST /trigger</c>, the CLI, or a plain AMQP client.
/// </summary>
/// <param name="TargetDate">The trading day whose data is maintained (normally the previous trading day).</param>
/// <param name="RequestedBy">Who asked: <c>scheduler</c>, <c>api</c>, <c>cli</c>, a service name.</param>
/// <param name="Force">Redo work that is already complete and valid.</param>
/// <param name="Steps">Queue names of the steps to run (<c>load-ohlc</c>, ...); null or empty runs all.</param>
public sealed record StartMaintenance(DateOnly TargetDate, string RequestedBy, bool Force = false, string[]? Steps = null);

/// <summary>What every task command carries.</summary>
public interface IStepCommand
{
    /// <summary>The saga instance (one per target date).</summary>
    Guid RunId { get; }

    DateOnly TargetDate { get; }

    /// <summary>The run's attempt number; answers from an older attempt are ignored by the saga.</summary>
    int Attempt { get; }

    bool Force { get; }
}

public sealed record ClearCaches(Guid RunId, DateOnly TargetDate, int Attempt, bool Force) : IStepCommand;

public sealed record LoadOhlc(Guid RunId, DateOnly TargetDate, int Attempt, bool Force) : IStepCommand;

public sealed record RecoverMissingTickers(Guid RunId, DateOnly TargetDate, int Attempt, bool Force) : IStepCommand;

public sealed record LoadVolumeSlots(Guid RunId, DateOnly TargetDate, int Attempt, bool Force) : IStepCommand;

public sealed record CalculateAtr(Guid RunId, DateOnly TargetDate, int Attempt, bool Force) : IStepCommand;

public sealed record CalculateRvol(Guid RunId, DateOnly TargetDate, int Attempt, bool Force) : IStepCommand;

public sealed record EnrichMetadata(Guid RunId, DateOnly TargetDate, int Attempt, bool Force) : IStepCommand;

public sealed record SyncRedis(Guid RunId, DateOnly TargetDate, int Attempt, bool Force) : IStepCommand;
