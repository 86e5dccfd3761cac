using Maintenance.Data.MarketData;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.MarketData.Sample.Tests;

/// <summary>A fresh folder for one test's sample files, deleted afterwards.</summary>
internal sealed class SampleFolder : IDisposable
{
    public SampleFolder() => Path = Directory.CreateTempSubdirectory("maintenance-sample-").FullName;

    public string Path { get; }

    public FlatFileLayout Layout => new(Path);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
