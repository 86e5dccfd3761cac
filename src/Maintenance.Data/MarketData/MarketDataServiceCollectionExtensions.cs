using Maintenance.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Maintenance.Data.MarketData.FlatFiles;
using Maintenance.Data.MarketData.PolygonRest;

namespace Maintenance.Data.MarketData;

/// <summary>Registers the configured <see cref="IMarketDataSource"/>.</summary>
public static class MarketDataServiceCollectionExtensions
{
    public const string SectionName = "MarketData";
    public const string DefaultFlatFilesPath = ".maintenance/flatfiles";

    /// <summary>
    /// <c>MarketData:Source</c> chooses: <c>FlatFiles</c> (<c>FlatFilesPath</c>, default <c>.maintenance/flatfiles</c>) or
    /// <c>PolygonRest</c> (<c>PolygonApiKey</c>, <c>PolygonBaseUrl</c>, see <see cref="PolygonRestOptions"/>).
    /// FlatFiles with an API key, PolygonRest with a FlatFilesPath, or <c>FlatFilesThenRest</c> give the
    /// combined source (<see cref="FlatFilesThenRestSource"/>). A <see cref="TradingCalendar"/> or
    /// <see cref="TimeProvider"/> registered elsewhere is used; otherwise NYSE and the system clock.
    /// <c>Sample</c> (the default when unset) is not served here: the sample market lives in its own assembly,
    /// which only the embedded profile's host references (<c>AddMarketDataOrSample</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration is incomplete or malformed; the message names the key.</exception>
    public static IServiceCollection AddMarketData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var flatFilesPath = string.IsNullOrWhiteSpace(section["FlatFilesPath"]) ? null : section["FlatFilesPath"]!.Trim();
        var kind = EffectiveSource(configuration);

        services.AddLogging();
        switch (kind)
        {
            case "FlatFiles":
                AddFlatFiles(services, flatFilesPath ?? DefaultFlatFilesPath);
                services.AddSingleton<IMarketDataSource>(sp => sp.GetRequiredService<FlatFilesSource>());
                break;
            case "PolygonRest":
                AddPolygonRest(services, section);
                services.AddSingleton<IMarketDataSource>(sp => sp.GetRequiredService<PolygonRestSource>());
                break;
            default:
                AddFlatFiles(services, flatFilesPath ?? DefaultFlatFilesPath);
                AddPolygonRest(services, section);
                services.AddSingleton(sp => new FlatFilesThenRestSource(sp.GetRequiredService<FlatFilesSource>(), sp.GetRequiredService<PolygonRestSource>()));
                services.AddSingleton<IMarketDataSource>(sp => sp.GetRequiredService<FlatFilesThenRestSource>());
                break;
        }

        return services;
    }

    /// <summary>
    /// The source that runs: <c>FlatFiles</c>, <c>PolygonRest</c> or <c>FlatFilesThenRest</c> — the last also for
    /// FlatFiles with a PolygonApiKey and PolygonRest with a FlatFilesPath, which a host should say at start-up.
    /// </summary>
    /// <exception cref="InvalidOperationException">Sample (served elsewhere) or an unknown name.</exception>
    public static string EffectiveSource(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var source = IsSample(section) ? "Sample" : section["Source"]!.Trim();
        var hasFlatFilesPath = !string.IsNullOrWhiteSpace(section["FlatFilesPath"]);
        var hasApiKey = !string.IsNullOrWhiteSpace(section["PolygonApiKey"]);
        return source.ToUpperInvariant() switch
        {
            "SAMPLE" => throw new InvalidOperationException(
                "MarketData:Source Sample (the default when unset) is the embedded profile's generated market: register it with AddMarketDataOrSample "
                + "(Maintenance.MarketData.Sample), or name a real source: FlatFiles, PolygonRest, FlatFilesThenRest."),
            "FLATFILES" => hasApiKey ? "FlatFilesThenRest" : "FlatFiles",
            "POLYGONREST" => hasFlatFilesPath ? "FlatFilesThenRest" : "PolygonRest",
            "FLATFILESTHENREST" => "FlatFilesThenRest",
            _ => throw new InvalidOperationException(
                $"MarketData:Source '{source}' is not one of Sample, FlatFiles, PolygonRest, FlatFilesThenRest."),
        };
    }

    /// <summary>True when <c>MarketData:Source</c> is <c>Sample</c> or unset.</summary>
    public static bool IsSample(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return string.IsNullOrWhiteSpace(section["Source"]) || section["Source"]!.Trim().Equals("Sample", StringComparison.OrdinalIgnoreCase);
    }

    private static void AddFlatFiles(IServiceCollection services, string path) =>
        services.AddSingleton(sp => new FlatFilesSource(new FlatFileLayout(path), CalendarOf(sp), sp.GetRequiredService<ILogger<FlatFilesSource>>()));

    private static void AddPolygonRest(IServiceCollection services, IConfigurationSection section)
    {
        var options = PolygonRestOptions.FromConfiguration(section);
        if (options.ApiKey is null)
        {
            throw new InvalidOperationException("MarketData:Source PolygonRest needs MarketData:PolygonApiKey (from configuration or a secret store, never in code).");
        }

        services.AddSingleton(options);
        services.AddHttpClient(PolygonRestClient.HttpClientName, client => client.Timeout = options.TotalTimeout + TimeSpan.FromSeconds(5))
            .AddPolygonResilience(options);
        services.AddSingleton<PolygonRestClient>();
        services.AddSingleton(sp => new PolygonRestSource(
            sp.GetRequiredService<PolygonRestClient>(), options, CalendarOf(sp), sp.GetService<TimeProvider>()));
    }

    private static TradingCalendar CalendarOf(IServiceProvider services) =>
        services.GetService<TradingCalendar>() ?? TradingCalendar.Nyse;
}
