using Maintenance.Core;

namespace Maintenance.MarketData.Sample;

/// <summary>
/// One sample ticker's minute bars for one trading day: the log price moves from the day's open (the
/// previous close plus an overnight gap) to its close along a Brownian bridge over the whole extended
/// session; regular-hours bars follow a U-shaped intensity (busy at the open and the close), pre-market
/// and after-hours bars are sparse, and illiquid tickers leave many minutes, and some whole days, without
/// a bar. Early-close days end the regular session at the calendar's close (13:00) and after-hours at 17:00.
/// </summary>
internal static class SampleTickerDay
{
    private const long DayStream = 0x646179;
    private const double ExtendedHoursIntensity = 0.06;
    private const double ExtendedHoursVolatility = 0.5;

    public static MinuteBar[] MinuteBars(SampleTicker ticker, int seed, TradingSession session)
    {
        var day = session.Date;
        if (!ticker.IsListedOn(day))
        {
            return [];
        }

        var random = SampleRandom.For(seed, ticker.Key, day.DayNumber, DayStream);
        if (ticker.Liquidity < 0.1 && random.NextDouble() < 0.5 * (1 - (ticker.Liquidity / 0.1)))
        {
            return []; // the quietest tickers do not trade at all on some days
        }

        var (previousClose, close) = SamplePrices.ClosesAround(ticker, seed, day);
        var open = ticker.ListedOn == day ? close * Math.Exp(0.05 * random.NextNormal()) : previousClose;
        open *= Math.Exp(0.3 * ticker.DailyVolatility * random.NextNormal());

        var minutes = (int)(session.AfterHoursEnd - session.PreMarketStart).TotalMinutes;
        var regularStart = (int)(session.Open - session.PreMarketStart).TotalMinutes;
        var regularEnd = (int)(session.Close - session.PreMarketStart).TotalMinutes;

        Span<double> intensity = stackalloc double[minutes];
        var totalIntensity = 0.0;
        for (var m = 0; m < minutes; m++)
        {
            intensity[m] = Intensity(m, regularStart, regularEnd);
            totalIntensity += intensity[m];
        }

        // The log-price path at each minute boundary, pinned to the open at the start and the close at the end.
        var minuteVolatility = ticker.DailyVolatility / Math.Sqrt(390);
        Span<double> path = stackalloc double[minutes + 1];
        path[0] = 0;
        for (var m = 0; m < minutes; m++)
        {
            var regular = m >= regularStart && m < regularEnd;
            path[m + 1] = path[m] + (minuteVolatility * (regular ? 1 : ExtendedHoursVolatility) * random.NextNormal());
        }

        var logOpen = Math.Log(open);
        var miss = path[minutes] - (Math.Log(close) - logOpen);
        for (var m = 0; m <= minutes; m++)
        {
            path[m] = logOpen + path[m] - (miss * m / minutes);
        }

        var dayVolume = ticker.AverageDailyVolume * random.NextLogNormal(1, 0.4) * (session.IsEarlyClose ? 0.6 : 1);
        var bars = new List<MinuteBar>(minutes / 2);
        var start = session.PreMarketStart.UtcDateTime;
        for (var m = 0; m < minutes; m++)
        {
            var chance = Math.Min(1, ticker.Liquidity * intensity[m]);
            var roll = random.NextDouble();
            if (roll >= chance)
            {
                continue;
            }

            // Expected volume per minute divided by the chance of a bar keeps the day's total near dayVolume.
            var volume = (long)Math.Max(1, Math.Round(dayVolume * intensity[m] / totalIntensity / chance * random.NextLogNormal(1, 0.7)));
            var trades = (int)Math.Max(1, Math.Round(volume / ticker.AverageTradeSize * random.NextDouble(0.5, 1.5)));
            var barOpen = RoundPrice(Math.Exp(path[m]));
            var barClose = RoundPrice(Math.Exp(path[m + 1]));
            var reach = minuteVolatility * 0.6;
            var high = Math.Max(Math.Max(barOpen, barClose), RoundPrice(Math.Max(barOpen, barClose) * Math.Exp(reach * Math.Abs(random.NextNormal()))));
            var low = Math.Min(Math.Min(barOpen, barClose), RoundPrice(Math.Min(barOpen, barClose) * Math.Exp(-reach * Math.Abs(random.NextNormal()))));
            bars.Add(new MinuteBar(start.AddMinutes(m), barOpen, high, low, barClose, volume, trades));
        }

        return [.. bars];
    }

    /// <summary>The day's aggregate of its minute bars (null when there are none).</summary>
    public static DailyBar? DayBar(string symbol, DateOnly day, MinuteBar[] bars)
    {
        if (bars.Length == 0)
        {
            return null;
        }

        double high = bars[0].High, low = bars[0].Low;
        long volume = 0;
        var trades = 0;
        foreach (var bar in bars)
        {
            high = Math.Max(high, bar.High);
            low = Math.Min(low, bar.Low);
            volume += bar.Volume;
            trades += bar.Trades;
        }

        return new DailyBar(symbol, day, bars[0].Open, high, low, bars[^1].Close, volume, null, trades);
    }

    /// <summary>Relative chance of a bar in minute <paramref name="m"/> of the extended session (regular hours average 1.4).</summary>
    private static double Intensity(int m, int regularStart, int regularEnd)
    {
        if (m >= regularStart && m < regularEnd)
        {
            var u = (m - regularStart + 0.5) / (regularEnd - regularStart);
            var fromMiddle = (2 * u) - 1;
            return 0.6 + (2.4 * fromMiddle * fromMiddle);
        }

        // A little busier in the half hour before the open and after the close.
        var nearSession = (m < regularStart && regularStart - m <= 30) || (m >= regularEnd && m - regularEnd < 30);
        return nearSession ? 3 * ExtendedHoursIntensity : ExtendedHoursIntensity;
    }

    private static double RoundPrice(double price) =>
        price >= 1 ? Math.Round(price, 2) : Math.Max(0.0001, Math.Round(price, 4));
}
