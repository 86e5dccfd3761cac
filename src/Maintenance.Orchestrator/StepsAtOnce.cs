namespace Maintenance.Orchestrator;

/// <summary>
/// How many steps of a run may run at the same time: configuration <c>Maintenance:StepsAtOnce</c>. Unset, every step
/// whose prerequisites are done is sent at once (the graph's waves). A limit starts ready steps in the graph's order
/// as others finish: 1 runs one step at a time, for a machine too small to share, or to measure each step alone.
/// </summary>
public sealed class StepsAtOnce
{
    public const string Setting = "Maintenance:StepsAtOnce";

    /// <param name="limit">Null for no limit; else at least 1.</param>
    public StepsAtOnce(int? limit) =>
        Limit = limit is null or >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), limit, $"{Setting} must be at least 1.");

    /// <summary>No limit: the graph's waves.</summary>
    public static StepsAtOnce Unlimited { get; } = new(null);

    public int? Limit { get; }

    /// <exception cref="InvalidOperationException">The setting is not a whole number of at least 1.</exception>
    public static StepsAtOnce FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[Setting];
        if (string.IsNullOrWhiteSpace(text))
        {
            return Unlimited;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= 64
            ? new StepsAtOnce(limit)
            : throw new InvalidOperationException($"{Setting} is '{text}'; it must be a whole number from 1 to 64 (steps running at the same time), or unset for no limit.");
    }
}
