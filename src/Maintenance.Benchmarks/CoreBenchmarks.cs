using System.Diagnostics;
using System.Globalization;
using Maintenance.Core;

namespace Maintenance.Benchmarks;

/// <summary>
/// The pure core on one thread, for a market of <c>--symbols</c> (11,000) symbols: ATR over 60 daily bars, RVOL
/// averages over 192 slots x 20 days, and slot aggregation (with validation) of about 2,000,000 minute bars.
/// Each figure is the best and the median of <c>--rounds</c> (7) rounds after a warm-up.
/// </summary>
internal static class CoreBenchmarks
{
    private const int AtrDays = Atr.DefaultLookbackDays;
    private const int RvolDays = 20;

    // RVOL inputs are this many distinct symbol matrices used in turn (about 30 MB, beyond the caches),
    // rather than 11,000 of them (340 MB) on a machine shared with others.
    private const int DistinctRvolMatrices = 1_000;

    public static int Run(string[] args)
    {
        var symbols = int.Parse(Option(args, "--symbols") ?? "11000", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds") ?? "7", CultureInfo.InvariantCulture);
        var minuteBars = int.Parse(Option(args, "--minute-bars") ?? "2000000", CultureInfo.InvariantCulture);
        Console.WriteLine($"core benchmarks: {symbols:N0} symbols, one thread, {rounds} rounds after a warm-up (best / median)");

        AtrFigures(symbols, rounds);
        RvolFigures(symbols, rounds);
        SlotFigures(symbols, minuteBars, rounds);
        return 0;
    }

    private static void AtrFigures(int symbols, int rounds)
    {
        var random = new Random(7);
        var target = new DateOnly(2025, 11, 28);
        var days = new DateOnly[AtrDays];
        days[^1] = target;
        for (var i = AtrDays - 2; i >= 0; i--)
        {
            days[i] = TradingCalendar.Nyse.PreviousTradingDay(days[i + 1]);
        }

        var windows = new DailyBar[symbols][];
        for (var s = 0; s < symbols; s++)
        {
            var symbol = "S" + s.ToString(CultureInfo.InvariantCulture);
            var close = 5 + (random.NextDouble() * 200);
            windows[s] = new DailyBar[AtrDays];
            for (var d = 0; d < AtrDays; d++)
            {
                var open = close * (1 + ((random.NextDouble() - 0.5) * 0.04));
                close = open * (1 + ((random.NextDouble() - 0.5) * 0.06));
                var high = Math.Max(open, close) * (1 + (random.NextDouble() * 0.02));
                var low = Math.Min(open, close) * (1 - (random.NextDouble() * 0.02));
                windows[s][d] = new DailyBar(symbol, days[d], open, high, low, close, random.Next(1_000, 10_000_000), null, 100);
            }
        }

        foreach (var method in new[] { AtrMethod.Wilder, AtrMethod.Sma, AtrMethod.Ema })
        {
            var sum = 0.0;
            var timing = Measure(rounds, () =>
            {
                sum = 0;
                foreach (var window in windows)
                {
                    sum += Atr.Calculate(window, target, method).AtrPercent;
                }
            });
            Print($"ATR {method,-6} {symbols:N0} symbols x {AtrDays} daily bars", timing, $"mean atr% {sum / symbols:F4}");
        }
    }

    private static void RvolFigures(int symbols, int rounds)
    {
        const int slots = VolumeSlots.Count;
        var random = new Random(11);
        var matrices = new long[Math.Min(DistinctRvolMatrices, symbols)][];
        for (var m = 0; m < matrices.Length; m++)
        {
            matrices[m] = new long[RvolDays * slots];
            for (var d = 0; d < RvolDays; d++)
            {
                var firstTrade = random.Next(0, 80);
                long accumulated = 0;
                for (var slot = 0; slot < slots; slot++)
                {
                    if (slot >= firstTrade)
                    {
                        accumulated += random.Next(0, 50_000);
                    }

                    matrices[m][(d * slots) + slot] = accumulated;
                }
            }
        }

        int[] lookbacks = [5, 10, 20];
        var averages = new long[lookbacks.Length * slots];
        var daysUsed = new int[lookbacks.Length];
        long checksum = 0;
        var timing = Measure(rounds, () =>
        {
            checksum = 0;
            for (var s = 0; s < symbols; s++)
            {
                RvolAverages.Compute(matrices[s % matrices.Length], lookbacks, averages, daysUsed);
                checksum += averages[^1];
            }
        });
        Print($"RVOL {symbols:N0} symbols x {RvolDays} days x {slots} slots, lookbacks 5,10,20 (matrix)", timing, $"checksum {checksum}");

        // The row API the task may use: stored rows of each day (every slot present here), allocation included.
        var histories = new VolumeSlotDay[matrices.Length][];
        var start = new DateOnly(2025, 10, 1);
        for (var m = 0; m < matrices.Length; m++)
        {
            histories[m] = new VolumeSlotDay[RvolDays];
            for (var d = 0; d < RvolDays; d++)
            {
                var rows = new VolumeSlot[slots];
                for (var slot = 0; slot < slots; slot++)
                {
                    rows[slot] = new VolumeSlot(slot, 0, matrices[m][(d * slots) + slot], 0);
                }

                histories[m][d] = new VolumeSlotDay(start.AddDays(RvolDays - d), rows);
            }
        }

        var target = start.AddDays(RvolDays);
        var stored = 0L;
        var rowTiming = Measure(rounds, () =>
        {
            stored = 0;
            for (var s = 0; s < symbols; s++)
            {
                foreach (var average in RvolAverages.Calculate(histories[s % histories.Length], target, lookbacks))
                {
                    stored += average.Slots.Count;
                }
            }
        });
        Print($"RVOL {symbols:N0} symbols, same, from stored rows (allocating API)", rowTiming, $"{stored:N0} slot averages");
    }

    private static void SlotFigures(int symbols, int minuteBars, int rounds)
    {
        var random = new Random(13);
        var date = new DateOnly(2025, 11, 3); // the first trading day after the DST end
        var dayStart = VolumeSlots.DayStartUtc(date);
        var perTicker = minuteBars / symbols;
        var days = new TickerMinuteBars[symbols];
        var minutes = new int[16 * 60];
        for (var i = 0; i < minutes.Length; i++)
        {
            minutes[i] = i;
        }

        var total = 0;
        for (var s = 0; s < symbols; s++)
        {
            // The bars of a ticker: distinct minutes of the extended session, in time order, as a source gives them.
            var count = s < minuteBars % symbols ? perTicker + 1 : perTicker;
            random.Shuffle(minutes);
            var chosen = minutes[..count];
            Array.Sort(chosen);
            var bars = new MinuteBar[count];
            for (var b = 0; b < count; b++)
            {
                var price = 20 + random.NextDouble();
                bars[b] = new MinuteBar(dayStart.AddMinutes(chosen[b]), price, price + 0.05, price - 0.05, price + 0.01, random.Next(0, 5_000), random.Next(0, 50));
            }

            days[s] = new TickerMinuteBars("S" + s.ToString(CultureInfo.InvariantCulture), date, bars);
            total += count;
        }

        var volume = new long[VolumeSlots.Count];
        var accumulated = new long[VolumeSlots.Count];
        var trades = new int[VolumeSlots.Count];
        long checksum = 0;
        var timing = Measure(rounds, () =>
        {
            checksum = 0;
            foreach (var day in days)
            {
                checksum += VolumeSlots.Aggregate(day.Date, day.Bars, volume, accumulated, trades);
                checksum += accumulated[^1];
            }
        });
        Print($"Slots {total:N0} minute bars of {symbols:N0} tickers into 192 slots (spans)", timing, $"checksum {checksum}");

        var rows = 0L;
        var rowTiming = Measure(rounds, () =>
        {
            rows = 0;
            foreach (var day in days)
            {
                rows += VolumeSlots.Aggregate(day).Length;
            }
        });
        Print($"Slots {total:N0} minute bars, same, as stored rows (allocating API)", rowTiming, $"{rows:N0} rows");

        var kept = new MinuteBar[VolumeSlots.Count * VolumeSlots.MinutesPerSlot];
        var rejected = new int[BarValidation.ReasonCount];
        var keptCount = 0L;
        var validationTiming = Measure(rounds, () =>
        {
            keptCount = 0;
            foreach (var day in days)
            {
                var n = BarValidation.Minutes(day.Bars, day.Date, kept, rejected);
                VolumeSlots.Aggregate(day.Date, kept.AsSpan(0, n), volume, accumulated, trades);
                keptCount += n;
            }
        });
        Print($"Validate + slots {total:N0} minute bars (spans)", validationTiming, $"{keptCount:N0} kept");
    }

    private static (double Best, double Median) Measure(int rounds, Action work)
    {
        work(); // warm-up: JIT and caches
        var times = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            work();
            times[r] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[0], times[rounds / 2]);
    }

    private static void Print(string what, (double Best, double Median) timing, string check) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-82} {timing.Best,9:F1} ms / {timing.Median,9:F1} ms   ({check})"));

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
