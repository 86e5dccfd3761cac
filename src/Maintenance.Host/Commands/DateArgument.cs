using System.Globalization;

namespace Maintenance.Host.Commands;

public static class DateArgument
{
    /// <summary>Parses yyyy-MM-dd or says exactly what is wrong with the option's value.</summary>
    public static DateOnly Parse(string? text, string option)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        throw new ArgumentException($"{option} must be a date in yyyy-MM-dd form, got '{text}'.");
    }
}
