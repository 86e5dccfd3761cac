using System.Diagnostics;

namespace Maintenance.Tasks.Common;

/// <summary>
/// How far a long piece of work has come, in its own unit (<c>tickers</c>, <c>days</c>): passed on to the saga at most
/// once per <see cref="SendInterval"/> (the run page and <c>run</c> show it) and logged at most once per
/// <see cref="LogInterval"/>, so an operator following a ten-minute load sees it move without one line per ticker.
/// <see cref="Beat"/> repeats the last figures when nothing was sent for <see cref="HeartbeatInterval"/>: the saga
/// sends a step again when it hears nothing from it for a while (its silence window), so a long stretch without
/// reports must not look like a lost command.
/// </summary>
public sealed class StepProgress
{
    public static readonly TimeSpan SendInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>Reports nowhere: for running a step outside a consumer.</summary>
    public static readonly StepProgress None = new(null, null);

    private readonly ILogger? _logger;
    private readonly Func<long, long, string, Task>? _send;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastSent = -SendInterval;
    private TimeSpan _lastLogged;
    private Task _sending = Task.CompletedTask;
    private (long Done, long Total, string Unit) _last = (0, 0, "");
    private readonly Lock _gate = new();

    /// <param name="send">Sends (done, total, unit) to the saga; one send is in flight at a time.</param>
    public StepProgress(ILogger? logger, Func<long, long, string, Task>? send)
    {
        _logger = logger;
        _send = send;
    }

    /// <param name="done">How many <paramref name="unit"/> are done.</param>
    /// <param name="total">How many there are, or 0 when unknown.</param>
    public void Report(long done, long total, string unit)
    {
        var now = _clock.Elapsed;
        lock (_gate)
        {
            _last = (done, total, unit);
            if (_send is not null && now - _lastSent >= SendInterval && _sending.IsCompleted)
            {
                _lastSent = now;
                _sending = SendQuietly(done, total, unit);
            }
        }

        if (_logger is not null && now - _lastLogged >= LogInterval)
        {
            _lastLogged = now;
            if (total > 0)
            {
                _logger.LogInformation("Progress: {Done}/{Total} {Unit} ({Percent:F0}%) after {Seconds:F0}s", done, total, unit, 100.0 * done / total, now.TotalSeconds);
            }
            else
            {
                _logger.LogInformation("Progress: {Done} {Unit} after {Seconds:F0}s", done, unit, now.TotalSeconds);
            }
        }
    }

    /// <summary>Sends the last figures again (an empty unit before the first report) when nothing went out for <see cref="HeartbeatInterval"/>.</summary>
    public void Beat()
    {
        var now = _clock.Elapsed;
        lock (_gate)
        {
            if (_send is not null && now - _lastSent >= HeartbeatInterval && _sending.IsCompleted)
            {
                _lastSent = now;
                _sending = SendQuietly(_last.Done, _last.Total, _last.Unit);
            }
        }
    }

    /// <summary>Waits for the last send, so no progress arrives after the step's answer.</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            return _sending;
        }
    }

    private async Task SendQuietly(long done, long total, string unit)
    {
        try
        {
            await _send!(done, total, unit);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Progress is a courtesy: a bus hiccup must not fail the work.
            _logger?.LogDebug(e, "Could not send progress");
        }
    }
}
