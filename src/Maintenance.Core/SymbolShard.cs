namespace Maintenance.Core;

/// <summary>
/// One part of the symbol space when a step is divided among worker replicas (shard <see cref="Index"/> of
/// <see cref="Count"/>). A symbol belongs to the shard of its FNV-1a hash (over its UTF-8 bytes) modulo the count: a
/// function of the symbol alone, so every shard agrees on it whatever list of symbols each one read, and a symbol no
/// longer active still has exactly one shard that removes its stale values.
/// </summary>
public readonly record struct SymbolShard
{
    public SymbolShard(int index, int count)
    {
        if (count < 1 || index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Shard {index} of {count}: the count must be at least 1 and the index from 0 to count - 1.");
        }

        Index = index;
        Count = count;
    }

    /// <summary>The whole symbol space: one shard of one.</summary>
    public static SymbolShard All { get; } = new(0, 1);

    public int Index { get; }

    public int Count { get; }

    public bool IsAll => Count == 1;

    /// <summary>The shard of <paramref name="symbol"/> among <paramref name="count"/>.</summary>
    public static int Of(string symbol, int count)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return (int)(Fnv1a(symbol) % (uint)count);
    }

    public bool Contains(string symbol) => Count == 1 || Of(symbol, Count) == Index;

    public override string ToString() => $"{Index + 1} of {Count}";

    /// <summary>32-bit FNV-1a of the symbol's UTF-8 bytes.</summary>
    public static uint Fnv1a(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = System.Text.Encoding.UTF8.GetByteCount(symbol) <= buffer.Length
            ? buffer[..System.Text.Encoding.UTF8.GetBytes(symbol, buffer)]
            : System.Text.Encoding.UTF8.GetBytes(symbol);
        var hash = offsetBasis;
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * prime);
        }

        return hash;
    }
}
