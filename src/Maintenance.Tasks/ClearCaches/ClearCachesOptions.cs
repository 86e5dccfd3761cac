namespace Maintenance.Tasks.ClearCaches;

/// <summary>Configuration <c>Tasks:ClearCaches</c>.</summary>
public sealed class ClearCachesOptions
{
    public const string Section = "Tasks:ClearCaches";

    /// <summary>The real-time keys of the previous day (docs/DESIGN.md), written by the scanners during the session.</summary>
    public static readonly string[] DefaultPatterns =
    [
        "scanner:category:*",
        "scanner:sequence:*",
        "scanner:filtered_complete:*",
        "snapshot:enriched:*",
        "snapshot:polygon:*",
        "realtime:*",
    ];

    /// <summary>Redis glob patterns of the keys to delete; empty means <see cref="DefaultPatterns"/>.</summary>
    public string[] Patterns { get; set; } = [];

    /// <summary>Keys still matching after the delete that the check tolerates (a scanner still writing); default 0.</summary>
    public int MaxRemainingKeys { get; set; }

    public string[] EffectivePatterns => Patterns.Length == 0 ? DefaultPatterns : Patterns;

    /// <summary>Null when the options are usable, else what is wrong.</summary>
    public string? Problem()
    {
        foreach (var pattern in EffectivePatterns)
        {
            // A pattern without a literal prefix ("*", "?x*") would match the keys this service maintains.
            if (string.IsNullOrWhiteSpace(pattern) || pattern[0] is '*' or '?' or '[')
            {
                return $"{Section}:Patterns: '{pattern}' must start with a literal prefix such as 'scanner:'; a leading wildcard would delete the indicator keys too.";
            }
        }

        return MaxRemainingKeys < 0 ? $"{Section}:MaxRemainingKeys must be 0 or more." : null;
    }
}
