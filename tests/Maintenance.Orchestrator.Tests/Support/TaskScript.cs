using System.Collections.Concurrent;
using Maintenance.Contracts;
using MassTransit;

namespace Maintenance.Orchestrator.Tests.Support;

public enum TaskBehaviour
{
    /// <summary>Publishes the step's completion event with a passing verdict.</summary>
    Succeed,

    /// <summary>Publishes <see cref="MaintenanceStepFailed"/> (what a task does after its retries).</summary>
    Fail,

    /// <summary>Throws, so MassTransit publishes <see cref="Fault{T}"/> of the command.</summary>
    Fault,

    /// <summary>Never answers.</summary>
    Silent,
}

/// <summary>
/// Test-double task workers: how each step answers its command, which commands arrived, and gates that hold a
/// step's answer until the test releases it. The real tasks live in Maintenance.Tasks.
/// </summary>
public sealed class TaskScript
{
    private readonly ConcurrentDictionary<MaintenanceStep, TaskBehaviour> _behaviours = new();
    private readonly ConcurrentDictionary<MaintenanceStep, TaskCompletionSource> _gates = new();
    private readonly ConcurrentQueue<IStepCommand> _received = new();

    public TaskScript Answer(MaintenanceStep step, TaskBehaviour behaviour)
    {
        _behaviours[step] = behaviour;
        return this;
    }

    /// <summary>The step's answer waits until <see cref="Release"/>.</summary>
    public TaskScript Hold(MaintenanceStep step)
    {
        _gates[step] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return this;
    }

    public void Release(MaintenanceStep step)
    {
        if (_gates.TryRemove(step, out var gate))
        {
            gate.TrySetResult();
        }
    }

    public IReadOnlyList<IStepCommand> Received => [.. _received];

    public IReadOnlyList<T> ReceivedOf<T>()
        where T : IStepCommand => [.. _received.OfType<T>()];

    /// <summary>The first command of that type that arrived, or null.</summary>
    public T? FirstOf<T>()
        where T : class, IStepCommand => _received.OfType<T>().FirstOrDefault();

    internal TaskBehaviour BehaviourOf(MaintenanceStep step) => _behaviours.GetValueOrDefault(step, TaskBehaviour.Succeed);

    internal async Task ArriveAsync(MaintenanceStep step, IStepCommand command, CancellationToken ct)
    {
        _received.Enqueue(command);
        if (_gates.TryGetValue(step, out var gate))
        {
            await gate.Task.WaitAsync(ct);
        }
    }

    /// <summary>The step a command type asks for: the command's name is the step's name.</summary>
    public static MaintenanceStep StepOf<T>()
        where T : IStepCommand => Enum.Parse<MaintenanceStep>(typeof(T).Name);

    public static IStepCompleted CompletionOf(MaintenanceStep step, IStepCommand c, bool passed = true)
    {
        var validation = new StepValidation(passed, passed ? $"{step.QueueName()}: 42 rows, all checks held" : $"{step.QueueName()}: 3 of 42 rows rejected (threshold 1)");
        var metrics = new Dictionary<string, double> { ["rows"] = 42, ["seconds"] = 0.25 };
        return step switch
        {
            MaintenanceStep.ClearCaches => new CachesCleared(c.RunId, c.TargetDate, c.Attempt, false, validation, metrics, 0.25),
            MaintenanceStep.LoadOhlc => new OhlcLoaded(c.RunId, c.TargetDate, c.Attempt, false, validation, metrics, 0.25),
            MaintenanceStep.RecoverMissingTickers => new MissingTickersRecovered(c.RunId, c.TargetDate, c.Attempt, false, validation, metrics, 0.25),
            MaintenanceStep.LoadVolumeSlots => new VolumeSlotsLoaded(c.RunId, c.TargetDate, c.Attempt, false, validation, metrics, 0.25),
            MaintenanceStep.CalculateAtr => new AtrCalculated(c.RunId, c.TargetDate, c.Attempt, false, validation, metrics, 0.25),
            MaintenanceStep.CalculateRvol => new RvolCalculated(c.RunId, c.TargetDate, c.Attempt, false, validation, metrics, 0.25),
            MaintenanceStep.EnrichMetadata => new MetadataEnriched(c.RunId, c.TargetDate, c.Attempt, false, validation, metrics, 0.25),
            MaintenanceStep.SyncRedis => new RedisSynced(c.RunId, c.TargetDate, c.Attempt, false, validation, metrics, 0.25),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
    }
}

/// <summary>Consumes one step's command on the step's queue and answers as the <see cref="TaskScript"/> says.</summary>
public sealed class ScriptedTask<T>(TaskScript script) : IConsumer<T>
    where T : class, IStepCommand
{
    private static readonly MaintenanceStep Step = TaskScript.StepOf<T>();

    public async Task Consume(ConsumeContext<T> context)
    {
        var command = context.Message;
        await script.ArriveAsync(Step, command, context.CancellationToken);
        switch (script.BehaviourOf(Step))
        {
            case TaskBehaviour.Succeed:
                await context.Publish((object)TaskScript.CompletionOf(Step, command));
                break;
            case TaskBehaviour.Fail:
                await context.Publish(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, Step, "injected failure: the source answered 503 five times", true));
                break;
            case TaskBehaviour.Fault:
                throw new InvalidOperationException("injected fault in " + Step.QueueName());
            case TaskBehaviour.Silent:
                break;
        }
    }
}
