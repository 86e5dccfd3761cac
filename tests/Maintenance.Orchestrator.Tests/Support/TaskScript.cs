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

    /// <summary>Throws without answering (a task crashing outside its own error handling): only the deadline catches it.</summary>
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
    private readonly ConcurrentQueue<RunMaintenanceStep> _received = new();

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

    public IReadOnlyList<RunMaintenanceStep> Received => [.. _received];

    public IReadOnlyList<RunMaintenanceStep> ReceivedOf(MaintenanceStep step) => [.. _received.Where(c => c.Step == step)];

    /// <summary>The first command of that step that arrived, or null.</summary>
    public RunMaintenanceStep? FirstOf(MaintenanceStep step) => _received.FirstOrDefault(c => c.Step == step);

    internal TaskBehaviour BehaviourOf(MaintenanceStep step) => _behaviours.GetValueOrDefault(step, TaskBehaviour.Succeed);

    internal async Task ArriveAsync(RunMaintenanceStep command, CancellationToken ct)
    {
        _received.Enqueue(command);
        if (_gates.TryGetValue(command.Step, out var gate))
        {
            await gate.Task.WaitAsync(ct);
        }
    }

    public static MaintenanceStepCompleted CompletionOf(RunMaintenanceStep c, bool passed = true)
    {
        ArgumentNullException.ThrowIfNull(c);
        var validation = new StepValidation(passed, passed ? $"{c.Step.QueueName()}: 42 rows, all checks held" : $"{c.Step.QueueName()}: 3 of 42 rows rejected (threshold 1)");
        var metrics = new Dictionary<string, double> { ["rows"] = 42, ["seconds"] = 0.25 };
        return new MaintenanceStepCompleted(c.RunId, c.TargetDate, c.Attempt, c.Step, c.Shard, c.ShardCount, false, validation, metrics, 0.25);
    }
}

/// <summary>Consumes the commands of one step's queue and answers as the <see cref="TaskScript"/> says.</summary>
public sealed class ScriptedTask(TaskScript script) : IConsumer<RunMaintenanceStep>
{
    public async Task Consume(ConsumeContext<RunMaintenanceStep> context)
    {
        var command = context.Message;
        await script.ArriveAsync(command, context.CancellationToken);
        switch (script.BehaviourOf(command.Step))
        {
            case TaskBehaviour.Succeed:
                await context.Publish(TaskScript.CompletionOf(command));
                break;
            case TaskBehaviour.Fail:
                await context.Publish(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, command.Step, "injected failure: the source answered 503 five times", true, command.Shard));
                break;
            case TaskBehaviour.Fault:
                throw new InvalidOperationException("injected fault in " + command.Step.QueueName());
            case TaskBehaviour.Silent:
                break;
        }
    }
}
