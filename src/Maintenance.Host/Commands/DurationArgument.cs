using System.Globalization;

namespace Maintenance.Host.Commands;

public static class DurationArgument
{
    /// <summary>A positive duration: a bare number of minutes (<c>60</c>) or a number with a unit (<c>90s</c>, <c>20m</c>, <c>2h</c>).</summary>
    public static TimeSpan Parse(string? text, string option)
    {
        var value = (text ?? string.Empty).Trim().ToLowerInvariant();
        var (number, unit) = value.Length > 0 && char.IsLetter(value[^1]) ? (value[..^1], value[^1]) : (value, 'm');
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || unit is not ('s' or 'm' or 'h'))
        {
            throw new ArgumentException($"{option} '{text}' is not a duration: a whole number of minutes, or one with s, m or h (90s, 20m, 2h).");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'h' => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromMinutes(amount),
        };
    }
}
