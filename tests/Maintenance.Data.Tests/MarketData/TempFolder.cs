using System.IO.Compression;
using System.Text;
using Maintenance.Data.MarketData;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Data.Tests.MarketData;

/// <summary>A fresh folder for one test, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("maintenance-marketdata-").FullName;

    public string Path { get; }

    public FlatFileLayout Layout => new(Path);

    /// <summary>Writes <paramref name="text"/> where the layout expects the file (as .csv.gz or plain .csv); answers its path.</summary>
    public string WriteDayFile(DateOnly day, string text, bool gzip = true) =>
        Write(Layout.DayAggregatesPath(day), text, gzip);

    public string WriteMinuteFile(DateOnly day, string text, bool gzip = true) =>
        Write(Layout.MinuteAggregatesPath(day), text, gzip);

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private static string Write(string gzipPath, string text, bool gzip)
    {
        var path = gzip ? gzipPath : gzipPath[..^".gz".Length];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }

        using var file = File.Create(path);
        using var compressed = new GZipStream(file, CompressionLevel.Optimal);
        compressed.Write(bytes);
        return path;
    }
}
