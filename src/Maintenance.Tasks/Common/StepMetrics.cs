namespace Maintenance.Tasks.Common;

/// <summary>The figures a step reports, by name (<c>rows</c>, <c>rejected.high_below_low</c>, ...).</summary>
public sealed class StepMetrics : Dictionary<string, double>
{
    public StepMetrics()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>Adds <paramref name="value"/> to the figure (starting from 0).</summary>
    public void Increment(string name, long value) => this[name] = this.GetValueOrDefault(name) + value;

    /// <summary>Adds each count under <paramref name="prefix"/><c>.</c><i>kind</i>.</summary>
    public void AddCounts(string prefix, IEnumerable<KeyValuePair<string, long>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var (kind, count) in counts)
        {
            Increment($"{prefix}.{kind}", count);
        }
    }
}
