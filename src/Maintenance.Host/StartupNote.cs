namespace Maintenance.Host;

/// <summary>One line in the start-up log that says what this process will do (e.g. which market data it reads).</summary>
internal sealed class StartupNote(ILogger<StartupNote> logger, LogLevel level, string note) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
#pragma warning disable CA2254 // The note is a finished sentence; it has no fields to keep apart.
        logger.Log(level, note);
#pragma warning restore CA2254
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
