namespace Maintenance.Tasks.EnrichMetadata;

/// <summary>Configuration <c>Tasks:EnrichMetadata</c>.</summary>
public sealed class EnrichMetadataOptions
{
    public const string Section = "Tasks:EnrichMetadata";

    /// <summary>Metadata older than this is fetched again; default 7 days.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Share of the provider calls that must answer (found or not found) for the step to pass (0-1); default 0.9.</summary>
    public double MinSuccessRatio { get; set; } = 0.9;

    /// <summary>Provider calls per second at most; default 100 (Polygon asks paid plans to stay under 100/s).</summary>
    public double RateLimit { get; set; } = 100;

    /// <summary>
    /// Provider calls handed to the source at once; default 32. The REST source puts at most its own
    /// MarketData:PolygonMaxConcurrency of them on the wire and queues the rest, so a value above that one keeps the
    /// client's slots busy while some calls wait for a retry.
    /// </summary>
    public int MaxConcurrency { get; set; } = 32;

    public string? Problem() =>
        MaxAge <= TimeSpan.Zero ? $"{Section}:MaxAge must be positive."
        : MinSuccessRatio is < 0 or > 1 ? $"{Section}:MinSuccessRatio must be between 0 and 1, got {MinSuccessRatio}."
        : RateLimit <= 0 ? $"{Section}:RateLimit (calls per second) must be positive, got {RateLimit}."
        : MaxConcurrency < 1 ? $"{Section}:MaxConcurrency must be 1 or more."
        : null;
}
