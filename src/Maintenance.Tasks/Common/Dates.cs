using System.Globalization;

namespace Maintenance.Tasks.Common;

public static class Dates
{
    /// <summary><c>yyyy-MM-dd</c>, the only way a date is written in logs, keys and messages here.</summary>
    public static string Iso(this DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
