namespace Maintenance.Contracts;

/// <summary>The tasks of a maintenance; <see cref="MaintenanceSteps.Graph"/> says how they depend on each other.</summary>
public enum MaintenanceStep
{
    ClearCaches,
    LoadOhlc,
    RecoverMissingTickers,
    LoadVolumeSlots,
    CalculateAtr,
    CalculateRvol,
    EnrichMetadata,
    SyncRedis,
    NotifyServices,
}

/// <summary>Where a step stands in a run; the lower-case names are the Redis status contract.</summary>
public enum StepStatus
{
    Pending,
    Running,
    Success,
    Failed,
    Skipped,
}

/// <summary>One step of the maintenance and its place in the graph.</summary>
/// <param name="Queue">The queue of the step's consumer, kebab-case: <c>load-ohlc</c>.</param>
/// <param name="Needs">Steps that must succeed first: when one fails, this step is skipped (it would read nothing).</param>
/// <param name="After">Steps that must have finished first, whatever their result (they write what this step reads or replaces).</param>
/// <param name="Divisible">The work divides into shards that worker replicas share (<see cref="RunMaintenanceStep.Shard"/>).</param>
public sealed record StepDefinition(MaintenanceStep Step, string Queue, MaintenanceStep[] Needs, MaintenanceStep[] After, bool Divisible = false)
{
    /// <summary>Every step that must be finished before this one starts.</summary>
    public IEnumerable<MaintenanceStep> Prerequisites => Needs.Concat(After);
}

public static class MaintenanceSteps
{
    /// <summary>
    /// The maintenance as a dependency graph, in a valid order. Edges follow what each step reads:
    /// <code>
    /// clear-caches ─┬─► load-ohlc ──► recover-missing-tickers ─┬─► calculate-atr ───┐
    ///               │                                          ├─► enrich-metadata ─┤
    ///               └─► load-volume-slots ─────────────────────┴─► calculate-rvol ──┴─► sync-redis ─► notify-services
    /// </code>
    /// Adding a step: its enum value, its entry here, and its folder in Maintenance.Tasks.
    /// </summary>
    public static IReadOnlyList<StepDefinition> Graph { get; } =
    [
        new(MaintenanceStep.ClearCaches, "clear-caches", Needs: [], After: []),
        // The day's files only; after the caches are cleared so the scanners never see a half-new day.
        // Divided by history day (Maintenance.Core.WindowShare): each shard loads the missing days of its block of the
        // window, the last one the target day too; on a next day only that shard has work.
        new(MaintenanceStep.LoadOhlc, "load-ohlc", Needs: [], After: [MaintenanceStep.ClearCaches], Divisible: true),
        // Finds the day's symbols that the tickers table lacks: needs the day's bars.
        new(MaintenanceStep.RecoverMissingTickers, "recover-missing-tickers", Needs: [MaintenanceStep.LoadOhlc], After: []),
        new(MaintenanceStep.LoadVolumeSlots, "load-volume-slots", Needs: [], After: [MaintenanceStep.ClearCaches], Divisible: true),
        // ATR and RVOL are computed for the active tickers that recover maintains.
        // Divided by symbol (Maintenance.Core.SymbolShard): each shard computes and writes only its symbols' values.
        new(MaintenanceStep.CalculateAtr, "calculate-atr", Needs: [MaintenanceStep.LoadOhlc], After: [MaintenanceStep.RecoverMissingTickers], Divisible: true),
        new(MaintenanceStep.CalculateRvol, "calculate-rvol", Needs: [MaintenanceStep.LoadVolumeSlots], After: [MaintenanceStep.RecoverMissingTickers], Divisible: true),
        new(MaintenanceStep.EnrichMetadata, "enrich-metadata", Needs: [], After: [MaintenanceStep.RecoverMissingTickers]),
        // Publishes metadata with the day's averages; the ATR and RVOL keys must be written first.
        new(MaintenanceStep.SyncRedis, "sync-redis", Needs: [MaintenanceStep.EnrichMetadata], After: [MaintenanceStep.CalculateAtr, MaintenanceStep.CalculateRvol]),
        // Announces the new day once everything else has finished, when the day's bars are there (usable data).
        new(MaintenanceStep.NotifyServices, "notify-services", Needs: [MaintenanceStep.LoadOhlc],
            After: [MaintenanceStep.ClearCaches, MaintenanceStep.LoadVolumeSlots, MaintenanceStep.RecoverMissingTickers, MaintenanceStep.CalculateAtr, MaintenanceStep.CalculateRvol, MaintenanceStep.EnrichMetadata, MaintenanceStep.SyncRedis]),
    ];

    /// <summary>The steps in <see cref="Graph"/> order (every step after its prerequisites; the enum's order too).</summary>
    public static IReadOnlyList<MaintenanceStep> InOrder { get; } = [.. Graph.Select(d => d.Step)];

    public static StepDefinition Definition(this MaintenanceStep step) =>
        Graph.FirstOrDefault(d => d.Step == step) ?? throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown maintenance step.");

    /// <summary>Queue name of a step's consumer, kebab-case: <c>load-ohlc</c>.</summary>
    public static string QueueName(this MaintenanceStep step) => step.Definition().Queue;

    /// <summary>Key of a step in the Redis status JSON, snake_case: <c>load_ohlc</c>.</summary>
    public static string StatusKey(this MaintenanceStep step) => step.QueueName().Replace('-', '_');

    public static bool TryParse(string text, out MaintenanceStep step)
    {
        foreach (var candidate in InOrder)
        {
            if (string.Equals(candidate.QueueName(), text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.StatusKey(), text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                step = candidate;
                return true;
            }
        }

        step = default;
        return false;
    }
}
