namespace Maintenance.MarketData.Sample;

/// <summary>What <see cref="SampleMarket.WriteAsync"/> did.</summary>
/// <param name="DaysWritten">Trading days whose files were written.</param>
/// <param name="DaysKept">Trading days whose files were already there and were left alone.</param>
public sealed record SampleWriteResult(int DaysWritten, int DaysKept, long DailyBars, long MinuteBars);
