using System.Reflection;

namespace Maintenance.Benchmarks.Bench;

/// <summary>How to start the <c>maintenance</c> executable: its apphost, or <c>dotnet maintenance.dll</c>.</summary>
public sealed record MaintenanceExecutable(string FileName, IReadOnlyList<string> Prefix, string Folder)
{
    /// <summary>
    /// <paramref name="path"/> (a <c>maintenance.dll</c>, its apphost, or their folder), else the Host built beside this
    /// project in the same configuration.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing runnable there: the message says how to build it.</exception>
    public static MaintenanceExecutable Locate(string? path)
    {
        var given = path ?? typeof(MaintenanceExecutable).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "MaintenanceExecutable")?.Value;
        if (string.IsNullOrWhiteSpace(given))
        {
            throw new InvalidOperationException("Where the maintenance executable is was not recorded at build time: give --maintenance PATH.");
        }

        var full = Path.GetFullPath(given);
        var dll = Directory.Exists(full) ? Path.Combine(full, "maintenance.dll") : Path.ChangeExtension(full, ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException(
                $"No maintenance executable at {dll}: build it (dotnet build -c Release src/Maintenance.Host) or give --maintenance PATH.");
        }

        var folder = Path.GetDirectoryName(dll)!;
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "maintenance.exe" : "maintenance");
        return File.Exists(apphost)
            ? new MaintenanceExecutable(apphost, [], folder)
            : new MaintenanceExecutable("dotnet", [dll], folder);
    }

    public override string ToString() => string.Join(' ', Prefix.Prepend(FileName));
}
