using Maintenance.Data.MarketData;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Maintenance.Data.MarketData.FlatFiles;
using Maintenance.Data.MarketData.PolygonRest;

namespace Maintenance.MarketData.Sample.Tests;

public sealed class AddMarketDataOrSampleTests
{
    [Theory]
    [InlineData(null, null, typeof(SampleSource))]
    [InlineData("Sample", "key", typeof(SampleSource))]
    [InlineData("FlatFiles", null, typeof(FlatFilesSource))]
    [InlineData("PolygonRest", "key", typeof(PolygonRestSource))]
    public void The_sample_is_served_only_when_named_or_nothing_is(string? source, string? apiKey, Type expected)
    {
        using var services = Build(new() { ["MarketData:Source"] = source, ["MarketData:PolygonApiKey"] = apiKey });

        Assert.IsType(expected, services.GetRequiredService<IMarketDataSource>());
    }

    [Fact]
    public void The_sample_has_its_own_folder_per_universe()
    {
        using var sample = Build(new() { ["MarketData:SampleTickers"] = "120", ["MarketData:SampleSeed"] = "5" });

        var source = sample.GetRequiredService<SampleSource>();
        Assert.Equal((120, 5), (source.Tickers, source.Seed));
        Assert.Equal(Path.GetFullPath(".maintenance/sample/seed-5-tickers-120"), source.Layout.Root);
    }

    [Fact]
    public void A_malformed_sample_setting_is_an_error_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["MarketData:Source"] = "Sample", ["MarketData:SampleTickers"] = "lots" }).Dispose());

        Assert.Equal("MarketData:SampleTickers 'lots' is not a positive whole number.", error.Message);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddMarketDataOrSample(configuration).BuildServiceProvider();
    }
}
