using Maintenance.Data.MarketData;
using Maintenance.Data.MarketData.PolygonRest;

namespace Maintenance.Data.Tests.MarketData;

public sealed class PolygonRestClientTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("https://api.polygon.io/v3/reference/tickers?cursor=abc", "/v3/reference/tickers?cursor=abc")]
    [InlineData("https://api.polygon.io/v3/reference/tickers?cursor=abc&apiKey=SECRET", "/v3/reference/tickers?cursor=abc")]
    [InlineData("https://elsewhere.example/v2/aggs/ticker/AAPL/range/1/minute/1/2?apikey=SECRET&cursor=x", "/v2/aggs/ticker/AAPL/range/1/minute/1/2?cursor=x")]
    [InlineData("https://api.massive.com/v3/reference/tickers?apiKey=SECRET", "/v3/reference/tickers")]
    public void A_next_url_is_followed_by_its_path_and_query_without_the_key(string? nextUrl, string? expected) =>
        Assert.Equal(expected, PolygonRestClient.NextPath(nextUrl));

    [Fact]
    public void A_relative_next_url_is_an_error_that_hides_the_key()
    {
        var error = Assert.Throws<MarketDataException>(() => PolygonRestClient.NextPath("v3/reference/tickers?apiKey=SECRET"));

        Assert.Equal("next_url 'v3/reference/tickers?apiKey=***' is not an absolute URL.", error.Message);
    }
}
