using Maintenance.Core;

namespace Maintenance.Core.Tests;

public class WindowShareTests
{
    // Five trading days 2026-11-18 .. 2026-11-24 (the 21st and 22nd are a weekend); the target is the last.
    private static readonly DateOnly[] Window =
        [new(2026, 11, 18), new(2026, 11, 19), new(2026, 11, 20), new(2026, 11, 23), new(2026, 11, 24)];

    [Theory]
    [InlineData(5, 1, new[] { 0, 5 })]
    [InlineData(5, 2, new[] { 0, 2, 2, 5 })]
    [InlineData(5, 3, new[] { 0, 1, 1, 3, 3, 5 })]
    [InlineData(60, 4, new[] { 0, 15, 15, 30, 30, 45, 45, 60 })]
    [InlineData(2, 3, new[] { 0, 0, 0, 1, 1, 2 })]
    [InlineData(1, 3, new[] { 0, 0, 0, 0, 0, 1 })]
    public void Blocks_are_contiguous_and_cover_the_window_once(int count, int shards, int[] bounds)
    {
        for (var shard = 0; shard < shards; shard++)
        {
            Assert.Equal((bounds[2 * shard], bounds[(2 * shard) + 1]), WindowShare.Block(count, shard, shards));
        }
    }

    [Fact]
    public void Shards_of_a_first_run_split_the_missing_days_exactly()
    {
        var present = new HashSet<DateOnly>();
        var first = WindowShare.Of(Window, present, 0, 2);
        var second = WindowShare.Of(Window, present, 1, 2);

        Assert.Equal([new(2026, 11, 18), new(2026, 11, 19)], first.MissingHistory);
        Assert.False(first.OwnsTarget);
        Assert.Equal([new(2026, 11, 20), new(2026, 11, 23)], second.MissingHistory);
        Assert.True(second.OwnsTarget);
        Assert.Equal(Window, first.Days.Concat(second.Days));
    }

    [Fact]
    public void The_cut_does_not_move_when_another_shard_has_stored_its_days()
    {
        // Shard 0 finished first: shard 1 still owns the same days and loads only its own.
        var present = new HashSet<DateOnly> { new(2026, 11, 18), new(2026, 11, 19) };
        var first = WindowShare.Of(Window, present, 0, 2);
        var second = WindowShare.Of(Window, present, 1, 2);

        Assert.True(first.Complete);
        Assert.Equal(2, first.HistoryPresent);
        Assert.Empty(first.MissingHistory);
        Assert.False(second.Complete);
        Assert.Equal([new(2026, 11, 20), new(2026, 11, 23)], second.MissingHistory);
        Assert.Equal(0, second.HistoryPresent);
    }

    [Fact]
    public void One_shard_owns_everything_and_the_target_is_never_history()
    {
        var present = new HashSet<DateOnly> { new(2026, 11, 19), new(2026, 11, 24) };
        var whole = WindowShare.Of(Window, present, 0, 1);

        Assert.True(whole.OwnsTarget);
        Assert.True(whole.TargetPresent);
        Assert.Equal([new(2026, 11, 18), new(2026, 11, 20), new(2026, 11, 23)], whole.MissingHistory);
        Assert.Equal(1, whole.HistoryPresent);
        Assert.False(whole.Complete);
    }

    [Fact]
    public void A_shard_without_days_is_complete_at_once()
    {
        var lonely = WindowShare.Of([new(2026, 11, 24)], new HashSet<DateOnly>(), 0, 2);

        Assert.Empty(lonely.Days);
        Assert.False(lonely.OwnsTarget);
        Assert.True(lonely.Complete);
    }

    [Fact]
    public void A_shard_outside_the_count_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowShare.Block(5, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowShare.Block(5, 0, 0));
    }
}
