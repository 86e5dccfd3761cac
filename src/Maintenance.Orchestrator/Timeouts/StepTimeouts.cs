using System.Globalization;
using Maintenance.Contracts;

namespace Maintenance.Orchestrator.Timeouts;

/// <summary>
/// How long the saga waits for each step's answer before counting it failed. Configuration
/// <c>Maintenance:StepTimeouts:Default</c> and <c>Maintenance:StepTimeouts:&lt;step&gt;</c> (queue name such as
/// <c>load-ohlc</c>, or <c>LoadOhlc</c>); a value is a TimeSpan (<c>00:30:00</c>) or a number of seconds (<c>90</c>).
/// </summary>
public sealed class StepTimeouts
{
    public const string Section = "Maintenance:StepTimeouts";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    private readonly Dictionary<MaintenanceStep, TimeSpan> _perStep;

    public StepTimeouts(TimeSpan fallback, IReadOnlyDictionary<MaintenanceStep, TimeSpan>? perStep = null)
    {
        RequirePositive(fallback, "Default");
        Fallback = fallback;
        _perStep = new Dictionary<MaintenanceStep, TimeSpan>(perStep ?? new Dictionary<MaintenanceStep, TimeSpan>());
        foreach (var (step, timeout) in _perStep)
        {
            RequirePositive(timeout, step.QueueName());
        }
    }

    public TimeSpan Fallback { get; }

    public TimeSpan For(MaintenanceStep step) => _perStep.GetValueOrDefault(step, Fallback);

    /// <exception cref="InvalidOperationException">A key names no step or a value is not a duration.</exception>
    public static StepTimeouts FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var fallback = DefaultTimeout;
        var perStep = new Dictionary<MaintenanceStep, TimeSpan>();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var timeout = Parse(entry.Key, entry.Value);
            if (string.Equals(entry.Key, "Default", StringComparison.OrdinalIgnoreCase))
            {
                fallback = timeout;
            }
            else if (MaintenanceSteps.TryParse(entry.Key, out var step))
            {
                perStep[step] = timeout;
            }
            else
            {
                var known = string.Join(", ", MaintenanceSteps.InOrder.Select(s => s.QueueName()));
                throw new InvalidOperationException($"{Section}:{entry.Key} names no step; use Default or one of {known}.");
            }
        }

        return new StepTimeouts(fallback, perStep);
    }

    private static TimeSpan Parse(string key, string? text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            return RequirePositive(TimeSpan.FromSeconds(seconds), key);
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return RequirePositive(span, key);
        }

        throw new InvalidOperationException($"{Section}:{key} = '{text}' is not a duration; write 00:30:00 or a number of seconds.");
    }

    private static TimeSpan RequirePositive(TimeSpan timeout, string key) => timeout > TimeSpan.Zero
        ? timeout
        : throw new InvalidOperationException($"{Section}:{key} must be longer than zero, not {timeout}.");
}
