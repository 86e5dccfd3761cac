namespace Maintenance.Host;

/// <summary>Checkpoints the embedded Redis when the host stops (registered first, so it stops after the work).</summary>
public sealed class EmbeddedRedisCheckpointOnStop(EmbeddedRedisServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        server.Checkpoint();
        return Task.CompletedTask;
    }
}
