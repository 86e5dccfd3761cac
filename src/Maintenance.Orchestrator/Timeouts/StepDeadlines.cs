using System.Globalization;
using Maintenance.Contracts;
using MassTransit;
using Quartz;

namespace Maintenance.Orchestrator.Timeouts;

/// <summary>
/// A one-shot Quartz job per dispatched step (keyed by run, step and attempt) that publishes <see cref="StepTimedOut"/>
/// when the step's deadline passes. Quartz, not the bus's scheduler: the broker here has no delayed-exchange plugin,
/// and this works the same on the in-memory transport. Jobs live in memory: after a restart
/// <see cref="StepDeadlineRestorer"/> arms them again from the runs in the database.
/// </summary>
public sealed class StepDeadlines(ISchedulerFactory schedulers, StepTimeouts timeouts, ILogger<StepDeadlines> log)
{
    public const string Group = "step-timeouts";
    public const string SilenceGroup = "step-silences";

    /// <summary>Arms the deadline of a step that started at <paramref name="startedAt"/>; replaces an earlier one for the same key.</summary>
    public async Task ArmAsync(Guid runId, MaintenanceStep step, int attempt, DateTimeOffset startedAt, CancellationToken ct = default)
    {
        var timeout = timeouts.For(step);
        await ScheduleAsync(StepJob<StepTimeoutJob>(runId, step, attempt, Group, timeout), startedAt + timeout, ct);
        log.LogDebug("Deadline of {Step} for run {RunId} attempt {Attempt} armed for {DueAt}", step.QueueName(), runId, attempt, startedAt + timeout);
    }

    /// <summary>
    /// Wakes the saga at <paramref name="at"/> to look whether the step has gone silent (<see cref="StepSilence"/>);
    /// replaces an earlier wake-up for the same key. The saga decides from the run's stored shards, so a wake-up that
    /// comes early, twice, or on another replica than the step's progress is harmless.
    /// </summary>
    public Task ArmSilenceCheckAsync(Guid runId, MaintenanceStep step, int attempt, DateTimeOffset at, CancellationToken ct = default) =>
        ScheduleAsync(StepJob<StepSilenceJob>(runId, step, attempt, SilenceGroup), at, ct);

    /// <summary>Removes a step's deadline and silence check once it has answered. A missing job is fine: it fired or was never armed.</summary>
    public async Task DisarmAsync(Guid runId, MaintenanceStep step, int attempt, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJob(new JobKey(KeyOf(runId, step, attempt), Group), ct);
        await scheduler.DeleteJob(new JobKey(KeyOf(runId, step, attempt), SilenceGroup), ct);
    }

    private static IJobDetail StepJob<TJob>(Guid runId, MaintenanceStep step, int attempt, string group, TimeSpan? timeout = null)
        where TJob : IJob
    {
        var data = new JobDataMap();
        data[StepTimeoutJob.RunIdKey] = runId.ToString();
        data[StepTimeoutJob.StepKey] = step.ToString();
        data[StepTimeoutJob.AttemptKey] = attempt;
        if (timeout is { } t)
        {
            data[StepTimeoutJob.TimeoutKey] = t.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return JobBuilder.Create<TJob>().WithIdentity(KeyOf(runId, step, attempt), group).UsingJobData(data).Build();
    }

    // One shot, fired at once when it was missed (the orchestrator was down at its time): the saga decides what is due.
    private async Task ScheduleAsync(IJobDetail job, DateTimeOffset at, CancellationToken ct)
    {
        var trigger = TriggerBuilder.Create()
            .WithIdentity(job.Key.Name, job.Key.Group)
            .StartAt(at)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, ct);
    }

    private static string KeyOf(Guid runId, MaintenanceStep step, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{runId:N}:{step.QueueName()}:{attempt}");
}

/// <summary>Publishes the <see cref="StepTimedOut"/> a deadline stands for.</summary>
public sealed class StepTimeoutJob(IBus bus, ILogger<StepTimeoutJob> log) : IJob
{
    public const string RunIdKey = "runId";
    public const string StepKey = "step";
    public const string AttemptKey = "attempt";
    public const string TimeoutKey = "timeoutSeconds";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.MergedJobDataMap;
        var timedOut = new StepTimedOut(
            Guid.Parse(data.GetString(RunIdKey)!),
            Enum.Parse<MaintenanceStep>(data.GetString(StepKey)!),
            data.GetInt(AttemptKey),
            double.Parse(data.GetString(TimeoutKey)!, CultureInfo.InvariantCulture));
        log.LogWarning("Step {Step} of run {RunId} attempt {Attempt} has not answered within {TimeoutSeconds} s", timedOut.Step.QueueName(), timedOut.RunId, timedOut.Attempt, timedOut.TimeoutSeconds);
        await bus.Publish(timedOut, cancellationToken);
    }
}
