using Maintenance.Contracts;
using MassTransit;
using Quartz;

namespace Maintenance.Orchestrator.Timeouts;

/// <summary>
/// Publishes the <see cref="StepSilenceCheck"/> a wake-up stands for. The bus may be the very thing that failed: the
/// publish is tried again every few seconds for two minutes rather than losing the only wake-up of the step.
/// </summary>
public sealed class StepSilenceJob(IBus bus, ILogger<StepSilenceJob> log) : IJob
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);
    private const int Tries = 24;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.MergedJobDataMap;
        var check = new StepSilenceCheck(
            Guid.Parse(data.GetString(StepTimeoutJob.RunIdKey)!),
            Enum.Parse<MaintenanceStep>(data.GetString(StepTimeoutJob.StepKey)!),
            data.GetInt(StepTimeoutJob.AttemptKey));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await bus.Publish(check, cancellationToken);
                return;
            }
            catch (Exception e) when (attempt < Tries && !cancellationToken.IsCancellationRequested)
            {
                log.LogWarning("Could not ask run {RunId} to check {Step} for silence (try {Try}): {Reason}", check.RunId, check.Step.QueueName(), attempt, e.Message);
                await Task.Delay(Pause, cancellationToken);
            }
        }
    }
}
