using Maintenance.Contracts;

namespace Maintenance.Orchestrator;

public static class StepCommands
{
    /// <summary>The short address of a step's queue; resolves on RabbitMQ and on the in-memory transport.</summary>
    public static Uri Address(MaintenanceStep step) => new($"queue:{step.QueueName()}");
}
