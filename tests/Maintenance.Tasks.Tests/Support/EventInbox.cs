using System.Threading.Channels;
using MassTransit;
using Maintenance.Contracts;

namespace Maintenance.Tasks.Tests.Support;

/// <summary>The events the tasks published, in arrival order.</summary>
public sealed class EventInbox
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();
    private readonly List<object> _seen = [];

    public void Configure(IReceiveEndpointConfigurator e)
    {
        Add<MaintenanceStepCompleted>(e);
        Add<MaintenanceStepFailed>(e);
    }

    private void Add<T>(IReceiveEndpointConfigurator e)
        where T : class =>
        e.Handler<T>(context => _events.Writer.WriteAsync(context.Message).AsTask());

    /// <summary>The next answer about <paramref name="runId"/>: the completion event, or the failure (returned as such).</summary>
    /// <remarks>Answers about other runs are kept for their own callers.</remarks>
    public async Task<object> NextAsync(Guid runId, TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(60);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(wait);
        while (true)
        {
            lock (_seen)
            {
                var index = _seen.FindIndex(e => RunOf(e) == runId);
                if (index >= 0)
                {
                    var found = _seen[index];
                    _seen.RemoveAt(index);
                    return found;
                }
            }

            try
            {
                var next = await _events.Reader.ReadAsync(cts.Token);
                lock (_seen)
                {
                    _seen.Add(next);
                }
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No event for run {runId} within {wait.TotalSeconds} s; others seen: {string.Join(", ", _seen)}");
            }
        }
    }

    private static Guid RunOf(object message) => message switch
    {
        MaintenanceStepCompleted done => done.RunId,
        MaintenanceStepFailed failed => failed.RunId,
        _ => Guid.Empty,
    };

    /// <summary>The completion event of <paramref name="runId"/>; a failure event fails the test with its reason.</summary>
    public async Task<MaintenanceStepCompleted> CompletedAsync(Guid runId, TimeSpan? timeout = null)
    {
        var next = await NextAsync(runId, timeout);
        return next switch
        {
            MaintenanceStepCompleted done => done,
            MaintenanceStepFailed failed => throw new Xunit.Sdk.XunitException($"{failed.Step} failed (retryable {failed.Retryable}): {failed.Reason}"),
            _ => throw new Xunit.Sdk.XunitException($"Expected MaintenanceStepCompleted, got {next}"),
        };
    }

    /// <summary>The failure event of <paramref name="runId"/>; a completion fails the test.</summary>
    public async Task<MaintenanceStepFailed> FailedAsync(Guid runId, TimeSpan? timeout = null)
    {
        var next = await NextAsync(runId, timeout);
        return next as MaintenanceStepFailed ?? throw new Xunit.Sdk.XunitException($"Expected MaintenanceStepFailed, got {next}");
    }
}
