using System.Globalization;

namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// The one-minute load average (runnable processes, Linux <c>/proc/loadavg</c>). On a machine shared with other work it
/// says how much of the two cores the bench really had: figures taken at a load of 8 are not those of an idle machine.
/// </summary>
public static class MachineLoad
{
    /// <summary>The one-minute load average; null where the system has no /proc/loadavg.</summary>
    public static double? OneMinute()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/loadavg"));
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

    /// <summary>The first field of a <c>/proc/loadavg</c> line such as <c>0.52 0.58 0.59 1/467 12345</c>.</summary>
    public static double? Parse(string loadavg)
    {
        ArgumentNullException.ThrowIfNull(loadavg);
        var first = loadavg.Split(' ', 2)[0];
        return double.TryParse(first, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var load) ? load : null;
    }
}
