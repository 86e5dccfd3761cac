using System.Globalization;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maintenance.MarketData.Sample;

/// <summary>The embedded profile's entry to market data: the sample market, or whichever real source is configured.</summary>
public static class SampleMarketDataRegistration
{
    public const string DefaultSamplePath = ".maintenance/sample";

    /// <summary>
    /// <c>MarketData:Source</c> <c>Sample</c> or unset: the generated market (<c>SamplePath</c>, default
    /// <c>.maintenance/sample</c>; <c>SampleTickers</c>; <c>SampleSeed</c>). Any other source goes to
    /// <see cref="MarketDataServiceCollectionExtensions.AddMarketData"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration is malformed; the message names the key.</exception>
    public static IServiceCollection AddMarketDataOrSample(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(MarketDataServiceCollectionExtensions.SectionName);
        if (!MarketDataServiceCollectionExtensions.IsSample(section))
        {
            return services.AddMarketData(configuration);
        }

        var folder = string.IsNullOrWhiteSpace(section["SamplePath"]) ? DefaultSamplePath : section["SamplePath"]!.Trim();
        var tickers = ReadPositive(section, "SampleTickers", SampleMarket.DefaultTickers);
        var seed = ReadPositive(section, "SampleSeed", SampleMarket.DefaultSeed);
        services.AddLogging();
        services.AddSingleton(sp => new SampleSource(
            folder, tickers, seed, sp.GetService<TradingCalendar>() ?? TradingCalendar.Nyse, sp.GetService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IMarketDataSource>(sp => sp.GetRequiredService<SampleSource>());
        return services;
    }

    private static int ReadPositive(IConfigurationSection section, string key, int fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"MarketData:{key} '{text}' is not a positive whole number.");
    }
}
