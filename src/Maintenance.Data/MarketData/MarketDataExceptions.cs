namespace Maintenance.Data.MarketData;

/// <summary>The source has no data for a day it was asked for (e.g. the flat file is not in the folder).</summary>
public sealed class MarketDataMissingException : Exception
{
    public MarketDataMissingException(string message) : base(message)
    {
    }

    public MarketDataMissingException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public MarketDataMissingException()
    {
    }

    /// <summary>The file or request path that was looked for.</summary>
    public string? Location { get; init; }
}

/// <summary>
/// The source answered with something unusable as a whole: a file without the required columns, an HTTP
/// error, truncated JSON. Single bad rows are skipped and counted instead (<see cref="SkippedRows"/>).
/// </summary>
public sealed class MarketDataException : Exception
{
    public MarketDataException(string message) : base(message)
    {
    }

    public MarketDataException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public MarketDataException()
    {
    }

    /// <summary>True when trying again later may succeed (rate limit, server error, timeout).</summary>
    public bool Transient { get; init; }
}
