using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Maintenance.Contracts;
using Maintenance.Data.MarketData;

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

    protected abstract MaintenanceStep StepKind { get; }

    protected abstract Task<StepResult> RunAsync(TCommand command, CancellationToken cancellationToken);

    public async Task Consume(ConsumeContext<TCommand> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = context.Message;
        using var scope = _logger.BeginScope(new Dictionary<string, object>
        {
            ["Step"] = StepKind.QueueName(),
            ["RunId"] = command.RunId,
            ["TargetDate"] = command.TargetDate.Iso(),
            ["Attempt"] = command.Attempt,
        });
        var retryAttempt = context.GetRetryAttempt();
        _logger.LogInformation("{Step} started for {TargetDate} (run attempt {Attempt}, try {Try}, force {Force})", StepKind.QueueName(), command.TargetDate.Iso(), command.Attempt, retryAttempt + 1, command.Force);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await RunAsync(command, context.CancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;
            if (!result.Validation.Passed)
            {
                _logger.LogError("{Step} failed its validation after {Seconds:F2}s: {Verdict} {@Metrics}", StepKind.QueueName(), seconds, result.Validation.Verdict, result.Metrics);
                await context.Publish(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, StepKind, result.Validation.Verdict, Retryable: false));
                return;
            }

            _logger.LogInformation(
                "{Step} {Outcome} in {Seconds:F2}s: {Verdict} {@Metrics}",
                StepKind.QueueName(),
                result.Skipped ? "skipped (already complete)" : "succeeded",
                seconds,
                result.Validation.Verdict,
                result.Metrics);
            // Published as its concrete type so the saga's event for this step receives it.
            await context.Publish((object)StepEvents.Completed(StepKind, command, result, seconds), context.CancellationToken);
        }
        catch (Exception e) when (IsUnusableInput(e))
        {
            _logger.LogError("{Step} cannot run: {Reason}", StepKind.QueueName(), e.Message);
            await context.Publish(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, StepKind, e.Message, Retryable: false));
        }
        catch (Exception e) when (e is not OperationCanceledException && retryAttempt >= _retry.EffectiveIntervals.Length)
        {
            _logger.LogError(e, "{Step} failed after {Tries} tries: {Reason}", StepKind.QueueName(), retryAttempt + 1, e.Message);
            await context.Publish(new MaintenanceStepFailed(command.RunId, command.TargetDate, command.Attempt, StepKind, $"{e.GetType().Name}: {e.Message}", Retryable: true));
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning("{Step} try {Try} failed, will retry: {Reason}", StepKind.QueueName(), retryAttempt + 1, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Faults that another try cannot fix: the data for the day is not there, the source refused it for good, or the
    /// data itself is broken (a corrupt gzip, the same symbol twice in a day).
    /// </summary>
    private static bool IsUnusableInput(Exception e) =>
        e is StepInputException or MarketDataMissingException or MarketDataException { Transient: false } or InvalidDataException;
}
