using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;

namespace Maintenance.Tasks.Tests.Support;

/// <summary>
/// One sample market for the whole test run, written once as Polygon flat files into a temporary folder: a small
/// universe over the weeks around the target dates, so every test reads the same files and the suite stays quick.
/// </summary>
public sealed class SampleFiles : IAsyncLifetime
{
    public const int Tickers = 40;
    public const int Seed = SampleMarket.DefaultSeed;

    /// <summary>A Tuesday two days after the 2025 switch to daylight saving time, so the RVOL week spans it.</summary>
    public static readonly DateOnly Target = new(2025, 3, 11);

    /// <summary>The trading day after <see cref="Target"/>.</summary>
    public static readonly DateOnly NextDay = new(2025, 3, 12);

    public static readonly DateOnly First = new(2025, 1, 2);
    public static readonly DateOnly Last = new(2025, 3, 14);

    /// <summary>The ATR lookback the tests configure (shorter than production's 60 days, to keep them quick).</summary>
    public const int AtrLookbackDays = 30;

    /// <summary>The sample source's folder (<c>MarketData:SamplePath</c>).</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "maintenance-tasks-tests-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Where the flat files are: the sample source keeps each universe in a folder of its own under <see cref="Root"/>.</summary>
    public string Files => Path.Combine(Root, $"seed-{Seed}-tickers-{Tickers}");

    public async ValueTask InitializeAsync()
    {
        await SampleMarket.WriteAsync(Files, First, Last, Tickers, Seed);
    }

    /// <summary>A private copy of the files for a test that breaks some of them.</summary>
    public string CopyForTest()
    {
        var copy = Root + "-copy-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var file in Directory.EnumerateFiles(Files, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(copy, Path.GetRelativePath(Files, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return copy;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), Path.GetFileName(Root) + "*"))
        {
            Directory.Delete(folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
