using System.Globalization;
using System.IO.Compression;

namespace Maintenance.Tasks.Tests.Support;

/// <summary>One row of a Polygon aggregates flat file, as the test reads it for itself.</summary>
public sealed record AggregateRow(string Ticker, long Volume, double Open, double Close, double High, double Low, long WindowStartNs, int Transactions);

/// <summary>
/// Reads the generated flat files with the plainest code possible, independently of the production reader, so the
/// expected values of the tests do not share its bugs.
/// </summary>
public static class FlatFileRows
{
    public static string DayPath(string root, DateOnly day) => PathOf(root, "day_aggs_v1", day);

    public static string MinutePath(string root, DateOnly day) => PathOf(root, "minute_aggs_v1", day);

    public static List<AggregateRow> Read(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var header = reader.ReadLine()!.Split(',');
        var column = header.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        var rows = new List<AggregateRow>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            rows.Add(new AggregateRow(
                f[column["ticker"]],
                long.Parse(f[column["volume"]], CultureInfo.InvariantCulture),
                double.Parse(f[column["open"]], CultureInfo.InvariantCulture),
                double.Parse(f[column["close"]], CultureInfo.InvariantCulture),
                double.Parse(f[column["high"]], CultureInfo.InvariantCulture),
                double.Parse(f[column["low"]], CultureInfo.InvariantCulture),
                long.Parse(f[column["window_start"]], CultureInfo.InvariantCulture),
                int.Parse(f[column["transactions"]], CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    /// <summary>Writes rows back as a flat file (for the broken-input tests), with extra raw lines appended.</summary>
    public static void Write(string path, IEnumerable<AggregateRow> rows, IEnumerable<string>? rawLines = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip) { NewLine = "\n" };
        writer.WriteLine("ticker,volume,open,close,high,low,window_start,transactions");
        foreach (var r in rows)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Ticker},{r.Volume},{r.Open},{r.Close},{r.High},{r.Low},{r.WindowStartNs},{r.Transactions}"));
        }

        foreach (var line in rawLines ?? [])
        {
            writer.WriteLine(line);
        }
    }

    private static string PathOf(string root, string folder, DateOnly day) =>
        Path.Combine(root, "us_stocks_sip", folder, day.ToString("yyyy", CultureInfo.InvariantCulture), day.ToString("MM", CultureInfo.InvariantCulture), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".csv.gz");
}
