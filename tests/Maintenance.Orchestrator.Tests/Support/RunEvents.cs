using System.Collections.Concurrent;
using Maintenance.Contracts;
using MassTransit;

namespace Maintenance.Orchestrator.Tests.Support;

/// <summary>What the saga announced on the bus, as a subscriber sees it.</summary>
public sealed class RunEvents
{
    private readonly ConcurrentQueue<object> _events = new();

    public IReadOnlyList<MaintenanceStarted> Started => [.. _events.OfType<MaintenanceStarted>()];

    public IReadOnlyList<MaintenanceCompleted> Completed => [.. _events.OfType<MaintenanceCompleted>()];

    public IReadOnlyList<MaintenanceFailed> Failed => [.. _events.OfType<MaintenanceFailed>()];

    internal void Add(object message) => _events.Enqueue(message);

    public Task<MaintenanceCompleted> CompletedAsync(Guid runId, int attempt = 1, TimeSpan? timeout = null) =>
        WaitAsync(() => Completed.FirstOrDefault(e => e.RunId == runId && e.Attempt == attempt), $"MaintenanceCompleted of {runId} attempt {attempt}", timeout);

    public Task<MaintenanceFailed> FailedAsync(Guid runId, int attempt = 1, TimeSpan? timeout = null) =>
        WaitAsync(() => Failed.FirstOrDefault(e => e.RunId == runId && e.Attempt == attempt), $"MaintenanceFailed of {runId} attempt {attempt}", timeout);

    public Task<MaintenanceStarted> StartedAsync(Guid runId, int attempt = 1, TimeSpan? timeout = null) =>
        WaitAsync(() => Started.FirstOrDefault(e => e.RunId == runId && e.Attempt == attempt), $"MaintenanceStarted of {runId} attempt {attempt}", timeout);

    public static Task<T> WaitAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null)
        where T : class => WaitAsync(() => Task.FromResult(probe()), what, timeout);

    /// <summary>Polls <paramref name="probe"/> until it answers non-null, or fails the test after the timeout (30 s).</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"{what} did not arrive within {timeout ?? TimeSpan.FromSeconds(30)}");
    }
}

public sealed class RunEventsConsumer(RunEvents events) :
    IConsumer<MaintenanceStarted>,
    IConsumer<MaintenanceCompleted>,
    IConsumer<MaintenanceFailed>
{
    public Task Consume(ConsumeContext<MaintenanceStarted> context) => Record(context.Message);

    public Task Consume(ConsumeContext<MaintenanceCompleted> context) => Record(context.Message);

    public Task Consume(ConsumeContext<MaintenanceFailed> context) => Record(context.Message);

    private Task Record(object message)
    {
        events.Add(message);
        return Task.CompletedTask;
    }
}
