using Maintenance.Contracts;

namespace Maintenance.Orchestrator;

/// <summary>
/// How many shards a divisible step is sent as (<see cref="StepDefinition.Divisible"/>): configuration
/// <c>Maintenance:Shards</c>, the number of worker replicas expected to share a step (default 1: one command per step).
/// </summary>
public sealed class StepSharding(int shards)
{
    public const string Setting = "Maintenance:Shards";

    public int Shards { get; } = shards >= 1 ? shards : throw new ArgumentOutOfRangeException(nameof(shards), shards, $"{Setting} must be at least 1.");

    public int ShardsOf(MaintenanceStep step) => step.Definition().Divisible ? Shards : 1;

    /// <exception cref="InvalidOperationException">The setting is not a whole number of at least 1.</exception>
    public static StepSharding FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[Setting];
        if (string.IsNullOrWhiteSpace(text))
        {
            return new StepSharding(1);
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var shards) && shards is >= 1 and <= 64
            ? new StepSharding(shards)
            : throw new InvalidOperationException($"{Setting} is '{text}'; it must be a whole number from 1 to 64 (the worker replicas that share a step).");
    }
}
