using System.Globalization;

namespace Maintenance.Orchestrator.Timeouts;

/// <summary>
/// How long a running step may show no sign of life — no progress, heartbeat or answer from any of its shards —
/// before its unanswered shards are sent again, and how many times. A command or an answer can be lost without an
/// error anyone sees: the saga commits a step as sent and its send then dies with a connection the broker closed
/// (the saga's outbox is in memory, not transactional). Steps are idempotent and a re-sent command carries the same
/// attempt, so a copy that finds the work done answers at once and a duplicate answer changes nothing. After
/// <see cref="MaxResends"/> re-sends the step's deadline (<see cref="StepTimeouts"/>) decides.
/// Configuration <c>Maintenance:StepSilence:Window</c> (a TimeSpan or seconds, default 90 s) and
/// <c>Maintenance:StepSilence:MaxResends</c> (default 3; 0 turns re-sending off).
/// </summary>
public sealed record StepSilence
{
    public const string Section = "Maintenance:StepSilence";

    public static readonly StepSilence Default = new(TimeSpan.FromSeconds(90), 3);

    public StepSilence(TimeSpan window, int maxResends)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:Window must be longer than zero, not {window}.");
        }

        if (maxResends < 0)
        {
            throw new InvalidOperationException($"{Section}:MaxResends must be 0 or more, not {maxResends}.");
        }

        Window = window;
        MaxResends = maxResends;
    }

    public TimeSpan Window { get; }

    public int MaxResends { get; }

    /// <exception cref="InvalidOperationException">A value is not a duration or a count.</exception>
    public static StepSilence FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var window = section["Window"] switch
        {
            null or "" => Default.Window,
            var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) => TimeSpan.FromSeconds(seconds),
            var text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) => span,
            var text => throw new InvalidOperationException($"{Section}:Window = '{text}' is not a duration; write 00:01:30 or a number of seconds."),
        };
        var resends = section["MaxResends"] switch
        {
            null or "" => Default.MaxResends,
            var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) => count,
            var text => throw new InvalidOperationException($"{Section}:MaxResends = '{text}' is not a whole number."),
        };
        return new StepSilence(window, resends);
    }
}
