namespace Maintenance.Core.Tests;

public class SymbolShardTests
{
    [Theory]
    // The published FNV-1a 32-bit vectors ("" and "a"), and symbols computed independently of this code.
    [InlineData("", 2166136261u)]
    [InlineData("a", 3826002220u)]
    [InlineData("AAPL", 1489842955u)]
    [InlineData("BRK.B", 3194563130u)]
    [InlineData("QQQ", 885284978u)]
    public void The_hash_is_fnv1a_of_the_utf8_bytes(string symbol, uint hash) =>
        Assert.Equal(hash, SymbolShard.Fnv1a(symbol));

    [Theory]
    [InlineData("AAPL", 2, 1)]
    [InlineData("BRK.B", 2, 0)]
    [InlineData("BRK.B", 3, 2)]
    [InlineData("QQQ", 3, 2)]
    [InlineData("TSLA", 3, 1)]
    [InlineData("MSFT", 1, 0)]
    public void A_symbol_belongs_to_the_shard_of_its_hash_modulo_the_count(string symbol, int count, int shard)
    {
        Assert.Equal(shard, SymbolShard.Of(symbol, count));
        Assert.True(new SymbolShard(shard, count).Contains(symbol));
        Assert.Equal(1, Enumerable.Range(0, count).Count(i => new SymbolShard(i, count).Contains(symbol)));
    }

    [Fact]
    public void The_shards_partition_a_market_into_parts_of_similar_size()
    {
        var symbols = Enumerable.Range(0, 10_000).Select(i => "S" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var shards = Enumerable.Range(0, 3).Select(i => new SymbolShard(i, 3)).ToList();

        var sizes = shards.Select(s => symbols.Count(s.Contains)).ToList();

        Assert.Equal(symbols.Count, sizes.Sum());
        Assert.All(sizes, size => Assert.InRange(size, 3_100, 3_570));
        Assert.All(symbols, symbol => Assert.True(SymbolShard.All.Contains(symbol)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 2)]
    [InlineData(-1, 2)]
    public void An_index_outside_the_count_is_refused(int index, int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SymbolShard(index, count));
}
