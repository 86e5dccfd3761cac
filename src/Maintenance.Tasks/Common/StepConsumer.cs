using System.Diagnostics;
using MassTransit;

namespace Maintenance.Tasks.Common;

/// <summary>
/// The one consumer of every step's queue: logs start and result, times the work of <typeparamref name="TStep"/>,
/// passes its progress on, and answers the saga with <see cref="MaintenanceStepCompleted"/> or
/// <see cref="MaintenanceStepFailed"/>. Transient faults are rethrown so the endpoint's retry policy runs again; on
/// the last try the saga is told before the message goes to the queue's _error queue. A failed self-validation or
/// unusable input is not retried.
/// </summary>
public sealed class StepConsumer<TStep>(TStep step, IOptions<TaskRetryOptions> retry, ILogger<TStep> logger) : IConsumer<RunMaintenanceStep>
    where TStep : class, IStepService
{
    public async Task Consume(ConsumeContext<RunMaintenanceStep> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = context.Message;
        var name = TStep.Kind.QueueName();
        if (command.Step != TStep.Kind)
        {
            // A command sent to the wrong queue: answering for another step would corrupt the run's record.
            throw new InvalidOperationException($"The {name} queue received a command for {command.Step.QueueName()}.");
        }

        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["Step"] = name,
            ["RunId"] = command.RunId,
            ["TargetDate"] = command.TargetDate.Iso(),
            ["Attempt"] = command.Attempt,
            ["Shard"] = command.Shard,
        });
        var retryAttempt = context.GetRetryAttempt();
        logger.LogInformation("{Step} started for {TargetDate} (run attempt {Attempt}, shard {Shard} of {ShardCount}, try {Try}, force {Force})", name, command.TargetDate.Iso(), command.Attempt, command.Shard + 1, command.ShardCount, retryAttempt + 1, command.Force);
        var clock = Stopwatch.StartNew();
        var progress = new StepProgress(logger, (done, total, unit) =>
            context.Publish(new MaintenanceStepProgress(command.RunId, command.TargetDate, command.Attempt, command.Step, command.Shard, done, total, unit), context.CancellationToken));
        using var stopBeating = new CancellationTokenSource();
        var heartbeat = BeatAsync(progress, stopBeating.Token);
        try
        {
            var result = await step.RunAsync(command, progress, context.CancellationToken);
            await stopBeating.CancelAsync();
            await heartbeat;
            await progress.FlushAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            if (!result.Validation.Passed)
            {
                logger.LogError("{Step} failed its validation after {Seconds:F2}s: {Verdict} {@Metrics}", name, seconds, result.Validation.Verdict, result.Metrics);
                await context.Publish(StepAnswers.Failed(command, result.Validation.Verdict, retryable: false));
                return;
            }

            logger.LogInformation("{Step} {Outcome} in {Seconds:F2}s: {Verdict} {@Metrics}", name, result.Skipped ? "skipped (already complete)" : "succeeded", seconds, result.Validation.Verdict, result.Metrics);
            await context.Publish(StepAnswers.Completed(command, result, seconds), context.CancellationToken);
        }
        catch (Exception e) when (StepAnswers.IsUnusableInput(e))
        {
            logger.LogError("{Step} cannot run: {Reason}", name, e.Message);
            await context.Publish(StepAnswers.Failed(command, e.Message, retryable: false));
        }
        catch (Exception e) when (e is not OperationCanceledException && retryAttempt >= retry.Value.EffectiveIntervals.Length)
        {
            logger.LogError(e, "{Step} failed after {Tries} tries: {Reason}", name, retryAttempt + 1, e.Message);
            await context.Publish(StepAnswers.Failed(command, $"{e.GetType().Name}: {e.Message}", retryable: true));
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("{Step} try {Try} failed, will retry: {Reason}", name, retryAttempt + 1, e.Message);
            throw;
        }
        finally
        {
            await stopBeating.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>Tells the saga the step is alive while it works, reported or not (see <see cref="StepProgress.Beat"/>).</summary>
    private static async Task BeatAsync(StepProgress progress, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(StepProgress.HeartbeatInterval / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                progress.Beat();
            }
        }
        catch (OperationCanceledException)
        {
            // The step has answered.
        }
    }
}
