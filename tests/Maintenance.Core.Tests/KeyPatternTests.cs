namespace Maintenance.Core.Tests;

public class KeyPatternTests
{
    [Theory]
    [InlineData("scanner:category:*", "scanner:category:gappers", true)]
    [InlineData("scanner:category:*", "scanner:category:", true)]
    [InlineData("scanner:category:*", "scanner:categoryX", false)]
    [InlineData("scanner:category:*", "xscanner:category:a", false)]
    [InlineData("realtime:*", "metadata:ticker:AAPL", false)]
    [InlineData("rvol:hist:avg:*:5", "rvol:hist:avg:AAPL:5", true)]
    [InlineData("rvol:hist:avg:*:5", "rvol:hist:avg:AAPL:50", false)]
    [InlineData("rvol:hist:avg:*:5", "rvol:hist:avg:A:B:5", true)]
    [InlineData("a*b*c", "aXXbYYbZc", true)]
    [InlineData("a*b*c", "aXXbYYbZ", false)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-c]llo", "hbllo", true)]
    [InlineData("h[c-a]llo", "hbllo", true)]
    [InlineData("h[a-c]llo", "hdllo", false)]
    [InlineData("snap\\*", "snap*", true)]
    [InlineData("snap\\*", "snapX", false)]
    [InlineData("x[\\]]y", "x]y", true)]
    [InlineData("*", "", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("**a", "ba", true)]
    public void Matches_as_redis_glob(string pattern, string key, bool expected) =>
        Assert.Equal(expected, KeyPattern.Matches(pattern, key));

    [Fact]
    public void First_match_is_the_index_of_the_first_matching_pattern()
    {
        string[] patterns = ["scanner:category:*", "snapshot:*", "snapshot:polygon:*"];

        Assert.Equal(1, KeyPattern.FirstMatch(patterns, "snapshot:polygon:AAPL"));
        Assert.Equal(0, KeyPattern.FirstMatch(patterns, "scanner:category:winners"));
        Assert.Equal(-1, KeyPattern.FirstMatch(patterns, "metadata:ticker:AAPL"));
    }
}
