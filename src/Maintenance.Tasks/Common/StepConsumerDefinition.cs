using MassTransit;

namespace Maintenance.Tasks;

/// <summary>The endpoint pipeline of a task's consumer: in-process retries of transient faults.</summary>
public sealed class StepConsumerDefinition<TConsumer>(IOptions<TaskRetryOptions> retry) : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(retry.Value.EffectiveIntervals);
            // Shutting down is not a fault to retry.
            r.Ignore<OperationCanceledException>();
        });
    }
}
