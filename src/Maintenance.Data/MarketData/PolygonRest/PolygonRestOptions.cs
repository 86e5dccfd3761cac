using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Maintenance.Data.MarketData.PolygonRest;

/// <summary>
/// How to reach Polygon's REST API (Massive since 2025: same paths and fields under https://api.massive.com).
/// Read from the <c>MarketData</c> configuration section: <c>PolygonApiKey</c>, <c>PolygonBaseUrl</c>,
/// <c>PolygonMaxConcurrency</c>, <c>PolygonMaxRetries</c>, <c>PolygonRetryDelay</c>,
/// <c>PolygonAttemptTimeout</c>, <c>PolygonTotalTimeout</c> (times as <c>hh:mm:ss</c>).
/// </summary>
public sealed class PolygonRestOptions
{
    public static readonly Uri DefaultBaseUrl = new("https://api.polygon.io");

    /// <summary>From configuration only; sent as <c>Authorization: Bearer</c>, never in a URL or a log.</summary>
    public string? ApiKey { get; set; }

    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Requests on the wire at once; a request waiting for its retry holds no slot (see <see cref="PolygonRestResilience"/>).</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Retries of a request after a 429, a 5xx, a network error or a timeout (at least 1).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first retry's delay; it doubles with each retry, with jitter, unless the server sends Retry-After.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One request's limit over all its attempts and delays.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The options in <paramref name="marketData"/> (the <c>MarketData</c> section).</summary>
    /// <exception cref="InvalidOperationException">A value is malformed; the message names the key.</exception>
    public static PolygonRestOptions FromConfiguration(IConfiguration marketData)
    {
        ArgumentNullException.ThrowIfNull(marketData);
        var options = new PolygonRestOptions { ApiKey = NullIfEmpty(marketData["PolygonApiKey"]) };
        if (NullIfEmpty(marketData["PolygonBaseUrl"]) is { } baseUrl)
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new InvalidOperationException($"MarketData:PolygonBaseUrl '{baseUrl}' is not an absolute http(s) URL.");
            }

            options.BaseUrl = uri;
        }

        options.MaxConcurrency = ReadInt(marketData, "PolygonMaxConcurrency", options.MaxConcurrency, 1);
        options.MaxRetries = ReadInt(marketData, "PolygonMaxRetries", options.MaxRetries, 1);
        options.RetryDelay = ReadTime(marketData, "PolygonRetryDelay", options.RetryDelay);
        options.AttemptTimeout = ReadTime(marketData, "PolygonAttemptTimeout", options.AttemptTimeout);
        options.TotalTimeout = ReadTime(marketData, "PolygonTotalTimeout", options.TotalTimeout);
        if (options.TotalTimeout <= options.AttemptTimeout)
        {
            throw new InvalidOperationException(
                $"MarketData:PolygonTotalTimeout ({options.TotalTimeout}) must be longer than MarketData:PolygonAttemptTimeout ({options.AttemptTimeout}).");
        }

        return options;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int ReadInt(IConfiguration section, string key, int fallback, int minimum)
    {
        var text = NullIfEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            throw new InvalidOperationException($"MarketData:{key} '{text}' is not a whole number of at least {minimum}.");
        }

        return value;
    }

    private static TimeSpan ReadTime(IConfiguration section, string key, TimeSpan fallback)
    {
        var text = NullIfEmpty(section[key]);
        if (text is null)
        {
            return fallback;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"MarketData:{key} '{text}' is not a positive time span such as 00:00:30.");
        }

        return value;
    }
}
