using MassTransit;

namespace Maintenance.Host.Running;

public static class RunWatcherRegistration
{
    /// <summary>A temporary (auto-deleted) endpoint per waiting process, so each CLI sees every final event.</summary>
    public static void AddRunWatcher(this IBusRegistrationConfigurator x) =>
        x.AddConsumer<RunWatcher>().Endpoint(e => e.Temporary = true);
}
