using MassTransit;

namespace Maintenance.Orchestrator;

/// <summary>
/// The saga endpoint: conflicts on one run (a concurrent writer, a duplicate first start) are retried on fresh state,
/// and the commands and events of a message leave only after its transaction committed.
/// </summary>
public sealed class MaintenanceSagaDefinition : SagaDefinition<MaintenanceRun>
{
    public MaintenanceSagaDefinition()
    {
        EndpointName = OrchestratorRegistration.SagaEndpointName;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<MaintenanceRun> sagaConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(10, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));

            // A message that cannot be read will not read better later: straight to maintenance-saga_error.
            r.Ignore<FormatException>();
            r.Ignore<System.Text.Json.JsonException>();
        });
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
