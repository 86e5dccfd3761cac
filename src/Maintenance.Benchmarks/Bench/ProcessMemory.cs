using System.Globalization;

namespace Maintenance.Benchmarks.Bench;

/// <summary>A process's peak resident memory, as Linux keeps it in <c>/proc/PID/status</c>.</summary>
public static class ProcessMemory
{
    /// <summary>VmHWM of <paramref name="pid"/> in bytes; null when the process is gone or the system has no /proc.</summary>
    public static long? PeakResidentBytes(int pid)
    {
        try
        {
            return ParsePeakResident(File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The <c>VmHWM:   123456 kB</c> line of a status file, in bytes; null when it has none.</summary>
    public static long? ParsePeakResident(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["VmHWM:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes))
            {
                return kilobytes * 1024;
            }
        }

        return null;
    }
}
