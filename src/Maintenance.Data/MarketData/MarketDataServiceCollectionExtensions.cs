using Maintenance.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Maintenance.Data.MarketData;

/// <summary>Registers the configured <see cref="IMarketDataSource"/>.</summary>
public static class MarketDataServiceCollectionExtensions
{
    public const string SectionName = "MarketData";
    public const string DefaultFlatFilesPath = ".maintenance/flatfiles";
    public const string DefaultSamplePath = ".maintenance/sample";

    /// <summary>
    /// <c>MarketData:Source</c> chooses: <c>Sample</c> (default; <c>SamplePath</c>, <c>SampleTickers</c>,
    /// <c>SampleSeed</c>), <c>FlatFiles</c> (<c>FlatFilesPath</c>, default <c>.maintenance/flatfiles</c>) or
    /// <c>PolygonRest</c> (<c>PolygonApiKey</c>, <c>PolygonBaseUrl</c>, see <see cref="PolygonRestOptions"/>).
    /// FlatFiles with an API key, PolygonRest with a FlatFilesPath, or <c>FlatFilesThenRest</c> give the
    /// combined source (<see cref="FlatFilesThenRestSource"/>). A <see cref="TradingCalendar"/> or
    /// <see cref="TimeProvider"/> registered elsewhere is used; otherwise NYSE and the system clock.
    /// </summary>
    /// <exception cref="InvalidOperationException">The configuration is incomplete or malformed; the message names the key.</exception>
    public static IServiceCollection AddMarketData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var source = string.IsNullOrWhiteSpace(section["Source"]) ? "Sample" : section["Source"]!.Trim();
        var flatFilesPath = string.IsNullOrWhiteSpace(section["FlatFilesPath"]) ? null : section["FlatFilesPath"]!.Trim();
        var hasApiKey = !string.IsNullOrWhiteSpace(section["PolygonApiKey"]);

        var kind = source.ToUpperInvariant() switch
        {
            "SAMPLE" => "Sample",
            "FLATFILES" => hasApiKey ? "FlatFilesThenRest" : "FlatFiles",
            "POLYGONREST" => flatFilesPath is not null ? "FlatFilesThenRest" : "PolygonRest",
            "FLATFILESTHENREST" => "FlatFilesThenRest",
            _ => throw new InvalidOperationException(
                $"MarketData:Source '{source}' is not one of Sample, FlatFiles, PolygonRest, FlatFilesThenRest."),
        };

        services.AddLogging();
        switch (kind)
        {
            case "Sample":
                var sampleFolder = string.IsNullOrWhiteSpace(section["SamplePath"]) ? DefaultSamplePath : section["SamplePath"]!.Trim();
                var tickers = ReadInt(section, "SampleTickers", SampleMarket.DefaultTickers);
                var seed = ReadInt(section, "SampleSeed", SampleMarket.DefaultSeed);
                services.AddSingleton(sp => new SampleSource(sampleFolder, tickers, seed, CalendarOf(sp), sp.GetService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
                services.AddSingleton<IMarketDataSource>(sp => sp.GetRequiredService<SampleSource>());
                break;
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
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.RateLimiter.DefaultRateLimiterOptions.PermitLimit = options.MaxConcurrency;
                resilience.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 1_000_000;
                resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
                resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
                resilience.Retry.MaxRetryAttempts = options.MaxRetries;
                resilience.Retry.Delay = options.RetryDelay;
                resilience.Retry.MaxDelay = TimeSpan.FromMinutes(1);
                resilience.Retry.BackoffType = DelayBackoffType.Exponential;
                resilience.Retry.UseJitter = true;
                resilience.Retry.ShouldRetryAfterHeader = true;
                var sampling = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, options.AttemptTimeout.Ticks * 2));
                resilience.CircuitBreaker.SamplingDuration = sampling;
            });
        services.AddSingleton<PolygonRestClient>();
        services.AddSingleton(sp => new PolygonRestSource(
            sp.GetRequiredService<PolygonRestClient>(), options, CalendarOf(sp), sp.GetService<TimeProvider>()));
    }

    private static TradingCalendar CalendarOf(IServiceProvider services) =>
        services.GetService<TradingCalendar>() ?? TradingCalendar.Nyse;

    private static int ReadInt(IConfigurationSection section, string key, int fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"MarketData:{key} '{text}' is not a positive whole number.");
    }
}
