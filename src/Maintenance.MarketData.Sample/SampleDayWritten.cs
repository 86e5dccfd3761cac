namespace Maintenance.MarketData.Sample;

/// <summary>One day written by the generator, for progress reports.</summary>
public sealed record SampleDayWritten(DateOnly Day, int Tickers, long MinuteBars, TimeSpan Elapsed);
