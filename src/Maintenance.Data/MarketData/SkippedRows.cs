namespace Maintenance.Data.MarketData;

/// <summary>One input row (or record) that was not used, and why.</summary>
/// <param name="Source">The file path or the request path (never with the API key).</param>
/// <param name="Line">1-based line number in the file (the header is line 1); 0 when the source has no lines.</param>
public sealed record SkippedRow(string Source, long Line, string Reason)
{
    public override string ToString() => Line > 0 ? $"{Source}:{Line}: {Reason}" : $"{Source}: {Reason}";
}

/// <summary>
/// Counts every skipped row and keeps the first <see cref="MaxDetails"/> of them with their reasons
/// (a corrupt file could otherwise fill memory with millions of identical reasons).
/// Safe to add to from several threads.
/// </summary>
public sealed class SkippedRows
{
    public const int MaxDetails = 1000;

    private readonly List<SkippedRow> _details = [];
    private readonly Dictionary<string, long> _countByKind = [];
    private readonly Lock _lock = new();
    private long _count;

    public long Count
    {
        get { lock (_lock) { return _count; } }
    }

    /// <summary>The first skipped rows, in the order they were found.</summary>
    public IReadOnlyList<SkippedRow> Details
    {
        get { lock (_lock) { return [.. _details]; } }
    }

    public void Add(string source, long line, string reason)
    {
        lock (_lock)
        {
            _count++;
            var kind = KindOf(reason);
            _countByKind[kind] = _countByKind.GetValueOrDefault(kind) + 1;
            if (_details.Count < MaxDetails)
            {
                _details.Add(new SkippedRow(source, line, reason));
            }
        }
    }

    /// <summary>All skipped rows counted per reason kind (a reason's text up to its first colon), for metrics.</summary>
    public IReadOnlyDictionary<string, long> CountByKind()
    {
        lock (_lock)
        {
            return new Dictionary<string, long>(_countByKind);
        }
    }

    private static string KindOf(string reason)
    {
        var colon = reason.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? reason : reason[..colon];
    }

    public override string ToString() => $"{Count} skipped row(s)";
}
