using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Maintenance.Tasks.Common;

/// <summary>
/// Logs how far a long piece of work has come, at most once per <see cref="Interval"/>, so an operator
/// following the log of a ten-minute load sees it move without one line per ticker.
/// </summary>
public sealed class Progress
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger;
    private readonly string _what;
    private readonly long _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastReport;

    /// <param name="what">What is counted, e.g. "tickers" or "days".</param>
    /// <param name="total">How many there are, or 0 when unknown.</param>
    public Progress(ILogger logger, string what, long total)
    {
        _logger = logger;
        _what = what;
        _total = total;
    }

    public void Report(long done)
    {
        var now = _clock.Elapsed;
        if (now - _lastReport < Interval)
        {
            return;
        }

        _lastReport = now;
        if (_total > 0)
        {
            _logger.LogInformation("Progress: {Done}/{Total} {What} ({Percent:F0}%) after {Seconds:F0}s", done, _total, _what, 100.0 * done / _total, now.TotalSeconds);
        }
        else
        {
            _logger.LogInformation("Progress: {Done} {What} after {Seconds:F0}s", done, _what, now.TotalSeconds);
        }
    }
}
