using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Maintenance.Contracts;

namespace Maintenance.Tasks.Common;

/// <summary>
/// The frame every task runs in: logs start and result, times the work, and answers the saga with the
/// step's completion event or <see cref="MaintenanceStepFailed"/>. Transient faults are rethrown so the
/// endpoint's retry policy runs again; on the last attempt the saga is told before the message goes to
/// the queue's _error queue. A failed self-validation or unusable input is not retried.
/// </summary>
public abstract class StepConsumer<TCommand> : IConsumer<TCommand>
    where TCommand : class, IStepCommand
{
    private readonly ILogger _logger;
    private readonly TaskRetryOptions _retry;

    protected StepConsumer(ILogger logger, TaskRetryOptions retry)
    {
        _logger = logger;
        _retry = retry;
    }

    protected abstract MaintenanceStep Step { get; }

    protected abstract Task<StepResult> RunAsync(TCommand command, CancellationToken cancellationToken);

    public async Task Consume(ConsumeContext<TCommand> context)
    {
        var command = context.Message;
        using var scope = _logger.BeginScope(new Dictionary<string, object>
        {
            ["Step"] = Step.QueueName(),
            ["RunId"] = command.RunId,
            ["TargetDate"] = command.TargetDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["Attempt"] = command.Attempt,
        });
        var retryAttempt = context.GetRetryAttempt();
        _logger.LogInformation("{Step} started for {TargetDate} (run attempt {Attempt}, try {Try}, force {Force})", Step.QueueName(), command.TargetDate, command.Attempt, retryAttempt + 1, command.Force);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await RunAsync(command, context.CancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;
            if (!result.Validation.Passed)
            {
                _logger.LogError("{Step} failed its validation after {Seconds:F2}s: {Verdict}", Step.QueueName(), seconds, result.Validation.Verdict);
                await context.Publish(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, Step, result.Validation.Verdict, Retryable: false));
                return;
            }

            _logger.LogInformation(
                "{Step} {Outcome} in {Seconds:F2}s: {Verdict} {@Metrics}",
                Step.QueueName(),
                result.Skipped ? "skipped (already complete)" : "succeeded",
                seconds,
                result.Validation.Verdict,
                result.Metrics);
            // Published as its concrete type so the saga's event for this step receives it.
            await context.Publish((object)StepEvents.Completed(Step, command, result, seconds), context.CancellationToken);
        }
        catch (StepInputException e)
        {
            _logger.LogError("{Step} cannot run: {Reason}", Step.QueueName(), e.Message);
            await context.Publish(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, Step, e.Message, Retryable: false));
        }
        catch (Exception e) when (e is not OperationCanceledException && retryAttempt >= _retry.Intervals.Length)
        {
            _logger.LogError(e, "{Step} failed after {Tries} tries: {Reason}", Step.QueueName(), retryAttempt + 1, e.Message);
            await context.Publish(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, Step, $"{e.GetType().Name}: {e.Message}", Retryable: true));
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning("{Step} try {Try} failed, will retry: {Reason}", Step.QueueName(), retryAttempt + 1, e.Message);
            throw;
        }
    }
}

/// <summary>Retry intervals for transient faults (database, Redis, HTTP); configuration <c>Tasks:RetryIntervals</c>.</summary>
public sealed class TaskRetryOptions
{
    public TimeSpan[] Intervals { get; set; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];
}
