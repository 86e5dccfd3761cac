namespace Maintenance.Core;

/// <summary>The bars that passed and the count of those left out, per reason.</summary>
public sealed class ValidatedBars<TBar>
{
    private readonly int[] _rejected;

    internal ValidatedBars(TBar[] kept, int[] rejected)
    {
        Kept = kept;
        _rejected = rejected;
    }

    public TBar[] Kept { get; }

    public int Rejected(BarRejection reason) => _rejected[(int)reason];

    public int RejectedTotal => _rejected.Sum();

    /// <summary>Every reason by its metric name (<c>high_below_open_close</c>, ...), zeros included.</summary>
    public IReadOnlyDictionary<string, int> RejectedByName =>
        Enum.GetValues<BarRejection>().ToDictionary(BarValidation.MetricName, Rejected);
}
