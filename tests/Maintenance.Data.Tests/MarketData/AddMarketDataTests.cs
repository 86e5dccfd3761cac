using Maintenance.Data.MarketData;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Maintenance.Data.MarketData.FlatFiles;
using Maintenance.Data.MarketData.PolygonRest;

namespace Maintenance.Data.Tests.MarketData;

public sealed class AddMarketDataTests
{
    [Theory]
    [InlineData("FlatFiles", null, null, typeof(FlatFilesSource))]
    [InlineData("flatfiles", "/data/polygon", null, typeof(FlatFilesSource))]
    [InlineData("FlatFiles", "/data/polygon", "key", typeof(FlatFilesThenRestSource))]
    [InlineData("PolygonRest", null, "key", typeof(PolygonRestSource))]
    [InlineData("PolygonRest", "/data/polygon", "key", typeof(FlatFilesThenRestSource))]
    [InlineData("FlatFilesThenRest", null, "key", typeof(FlatFilesThenRestSource))]
    public void The_source_follows_the_configuration(string? source, string? flatFilesPath, string? apiKey, Type expected)
    {
        using var services = Build(new()
        {
            ["MarketData:Source"] = source,
            ["MarketData:FlatFilesPath"] = flatFilesPath,
            ["MarketData:PolygonApiKey"] = apiKey,
        });

        Assert.IsType(expected, services.GetRequiredService<IMarketDataSource>());
    }

    [Fact]
    public void Flat_files_default_to_the_maintenance_folder()
    {
        using var services = Build(new() { ["MarketData:Source"] = "FlatFiles" });

        Assert.Equal(Path.GetFullPath(".maintenance/flatfiles"), services.GetRequiredService<FlatFilesSource>().Layout.Root);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sample")]
    public void The_sample_market_is_not_served_by_the_data_assembly(string? source)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["MarketData:Source"] = source }).Dispose());

        Assert.StartsWith("MarketData:Source Sample (the default when unset) is the embedded profile's generated market: register it with AddMarketDataOrSample", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Yahoo", null, "MarketData:Source 'Yahoo' is not one of Sample, FlatFiles, PolygonRest, FlatFilesThenRest.")]
    [InlineData("PolygonRest", null, "MarketData:Source PolygonRest needs MarketData:PolygonApiKey (from configuration or a secret store, never in code).")]
    [InlineData("PolygonRest", "MarketData:PolygonBaseUrl=api.polygon.io", "MarketData:PolygonBaseUrl 'api.polygon.io' is not an absolute http(s) URL.")]
    [InlineData("PolygonRest", "MarketData:PolygonMaxRetries=0", "MarketData:PolygonMaxRetries '0' is not a whole number of at least 1.")]
    [InlineData("PolygonRest", "MarketData:PolygonAttemptTimeout=soon", "MarketData:PolygonAttemptTimeout 'soon' is not a positive time span such as 00:00:30.")]
    [InlineData("PolygonRest", "MarketData:PolygonTotalTimeout=00:00:10", "MarketData:PolygonTotalTimeout (00:00:10) must be longer than MarketData:PolygonAttemptTimeout (00:00:30).")]
    public void Bad_configuration_is_an_error_naming_the_key(string source, string? setting, string message)
    {
        var values = new Dictionary<string, string?> { ["MarketData:Source"] = source };
        if (setting is not null)
        {
            var (key, value) = (setting.Split('=')[0], setting.Split('=')[1]);
            values[key] = value;
            values["MarketData:PolygonApiKey"] = "key";
        }

        var error = Assert.Throws<InvalidOperationException>(() => Build(values).Dispose());

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_massive_base_url_is_accepted()
    {
        var options = PolygonRestOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PolygonBaseUrl"] = "https://api.massive.com", ["PolygonApiKey"] = "k" })
            .Build());

        Assert.Equal(new Uri("https://api.massive.com"), options.BaseUrl);
        Assert.Equal((8, 5, TimeSpan.FromSeconds(1)), (options.MaxConcurrency, options.MaxRetries, options.RetryDelay));
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddMarketData(configuration).BuildServiceProvider();
    }
}
