namespace Maintenance.Data.Storage;

/// <summary>A column of <c>tickers</c> that an upsert merges: a null in the load keeps the stored value.</summary>
internal sealed record TickerColumn(string Name, Func<Ticker, object?> Value);
