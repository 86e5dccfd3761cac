namespace Maintenance.Core;

/// <summary>
/// One shard's part of a load step's lookback window (the trading days ending at the target date): which days it
/// owns, which of them it must load, and whether it owns the target day. The window is cut into contiguous blocks
/// by position, never by what is already stored, so every shard computes the same cut however far the others have
/// come: each day belongs to exactly one shard, and the shards' figures add up to the whole step's.
/// </summary>
/// <param name="Days">The window days this shard owns, oldest first.</param>
/// <param name="OwnsTarget">The target day (the window's last day) is this shard's: the last shard always owns it.</param>
/// <param name="TargetPresent">The target day is stored already (only meaningful when <paramref name="OwnsTarget"/>).</param>
/// <param name="MissingHistory">This shard's history days (not the target) that are not stored yet, oldest first.</param>
/// <param name="HistoryPresent">This shard's history days that are stored already.</param>
public sealed record WindowShare(
    IReadOnlyList<DateOnly> Days,
    bool OwnsTarget,
    bool TargetPresent,
    IReadOnlyList<DateOnly> MissingHistory,
    int HistoryPresent)
{
    /// <summary>Nothing of this shard's to load: its history days are present, and so is the target when it owns it.</summary>
    public bool Complete => MissingHistory.Count == 0 && (!OwnsTarget || TargetPresent);

    /// <param name="window">The whole lookback window, oldest first, the target day last.</param>
    /// <param name="present">The window days already stored.</param>
    /// <param name="shard">This shard, 0 to <paramref name="shardCount"/> - 1.</param>
    /// <param name="shardCount">How many shards share the step; 1 when it is not divided.</param>
    public static WindowShare Of(IReadOnlyList<DateOnly> window, IReadOnlySet<DateOnly> present, int shard, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(present);
        ArgumentOutOfRangeException.ThrowIfLessThan(window.Count, 1);
        var (from, to) = Block(window.Count, shard, shardCount);
        var target = window[^1];
        var days = window.Skip(from).Take(to - from).ToArray();
        var history = days.Where(day => day != target).ToArray();
        return new WindowShare(
            days,
            OwnsTarget: to == window.Count,
            TargetPresent: present.Contains(target),
            [.. history.Where(day => !present.Contains(day))],
            history.Count(present.Contains));
    }

    /// <summary>
    /// The positions [From, To) of the <paramref name="count"/> window days that <paramref name="shard"/> owns: blocks
    /// that differ by at most one day, the later shards the larger, so the last one (which has the target) is never empty.
    /// </summary>
    public static (int From, int To) Block(int count, int shard, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, shardCount);
        return ((int)((long)count * shard / shardCount), (int)((long)count * (shard + 1) / shardCount));
    }
}
