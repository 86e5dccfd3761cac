using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Maintenance.Data.Storage;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Benchmarks;

/// <summary>
/// Reading and parsing one day's minute flat file, beside the raw floor of the same file (gunzip and count
/// lines, nothing parsed). Without <c>--file</c> it first writes a sample day of <c>--tickers</c> (11,000)
/// tickers, about 2,000,000 bars.
/// </summary>
internal static class ParseBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var file = Option(args, "--file");
        var day = DateOnly.Parse(Option(args, "--day") ?? "2025-11-03", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        string? scratch = null;
        if (file is null)
        {
            var tickers = int.Parse(Option(args, "--tickers") ?? "11000", CultureInfo.InvariantCulture);
            scratch = Path.Combine(Path.GetTempPath(), "maintenance-parse-" + Guid.NewGuid().ToString("N"));
            var generation = Measure.Start();
            var written = await SampleMarket.WriteAsync(scratch, day, day, tickers, seed: 42);
            Console.WriteLine($"generated {tickers} tickers x 1 day ({written.MinuteBars:N0} minute bars) in {generation.Stop()}");
            file = new FlatFileLayout(scratch).MinuteAggregatesPath(day);
        }

        try
        {
            Console.WriteLine($"file: {file} ({new FileInfo(file).Length / 1e6:F1} MB)");
            for (var round = 1; round <= rounds; round++)
            {
                var floor = Measure.Start();
                var lines = await CountLinesAsync(file);
                var floorTime = floor.Stop();

                var order = Measure.Start();
                var grouped = await FlatFilesSource.IsGroupedByTickerAsync(file, day, CancellationToken.None);
                var orderTime = order.Stop();

                var parse = Measure.Start();
                var (rows, tickers, skipped) = await ParseAsync(file, day);
                var parseTime = parse.Stop();

                Console.WriteLine(
                    $"round {round}: floor (gunzip + count {lines:N0} lines) {floorTime} = {lines / floorTime.Wall:N0} lines/s | " +
                    $"ReadMinuteBarsAsync {rows:N0} bars of {tickers:N0} tickers ({skipped} skipped) {parseTime} = {rows / parseTime.Wall:N0} rows/s (cpu: {rows / parseTime.Cpu:N0} rows/s) | " +
                    $"its ticker-order pass alone (grouped: {grouped}) {orderTime}");
            }
        }
        finally
        {
            if (scratch is not null)
            {
                Directory.Delete(scratch, recursive: true);
            }
        }

        return 0;
    }

    private static async Task<(long Rows, int Tickers, long Skipped)> ParseAsync(string file, DateOnly day)
    {
        var folder = Path.Combine(Path.GetTempPath(), "maintenance-parse-link-" + Guid.NewGuid().ToString("N"));
        var layout = new FlatFileLayout(folder);
        var target = layout.MinuteAggregatesPath(day);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.CreateSymbolicLink(target, Path.GetFullPath(file));
        try
        {
            var source = new FlatFilesSource(layout, TradingCalendar.Nyse);
            var skipped = new SkippedRows();
            long rows = 0;
            var tickers = 0;
            await foreach (var ticker in source.ReadMinuteBarsAsync(day, skipped))
            {
                rows += ticker.Bars.Length;
                tickers++;
            }

            return (rows, tickers, skipped.Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<long> CountLinesAsync(string file)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        await using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long lines = 0;
            int read;
            while ((read = await gzip.ReadAsync(buffer)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }

            return lines;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Wall time and this process's CPU time: on a shared machine the CPU time tells the cost when the wall time is inflated by others.</summary>
    private readonly record struct Measure(long StartTimestamp, TimeSpan StartCpu)
    {
        public static Measure Start() => new(Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime);

        public Elapsed Stop() => new(
            Stopwatch.GetElapsedTime(StartTimestamp).TotalSeconds,
            (Process.GetCurrentProcess().TotalProcessorTime - StartCpu).TotalSeconds);
    }

    private readonly record struct Elapsed(double Wall, double Cpu)
    {
        public override string ToString() => $"{Wall:F3} s (cpu {Cpu:F3} s)";
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
