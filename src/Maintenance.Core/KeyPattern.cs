namespace Maintenance.Core;

/// <summary>
/// Redis glob patterns (<c>SCAN MATCH</c>, <c>KEYS</c>) matched on this side: one SCAN of the keyspace can then sort its
/// keys against several patterns, instead of one full SCAN per pattern (each walks every key of the database).
/// Same rules as Redis: <c>*</c> any run of characters, <c>?</c> one character, <c>[abc]</c>, <c>[^abc]</c>,
/// <c>[a-z]</c> a class, <c>\x</c> the character x itself.
/// </summary>
public static class KeyPattern
{
    /// <summary>True when the whole <paramref name="key"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string key)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(key);
        int p = 0, k = 0;
        // Where to resume after the last '*': the pattern just past it and the key position it has swallowed up to.
        int starPattern = -1, starKey = 0;
        while (k < key.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starPattern = ++p;
                starKey = k;
                continue;
            }

            if (p < pattern.Length && MatchesOne(pattern, ref p, key[k]))
            {
                k++;
                continue;
            }

            if (starPattern < 0)
            {
                return false;
            }

            // Let the last '*' swallow one more character and try the rest again.
            p = starPattern;
            k = ++starKey;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>The index of the first of <paramref name="patterns"/> that matches <paramref name="key"/>, or -1 when none does.</summary>
    public static int FirstMatch(IReadOnlyList<string> patterns, string key)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        for (var i = 0; i < patterns.Count; i++)
        {
            if (Matches(patterns[i], key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Matches one pattern element (not '*') at <paramref name="p"/> against <paramref name="c"/>, moving past it when it matches.</summary>
    private static bool MatchesOne(string pattern, ref int p, char c)
    {
        var at = p;
        switch (pattern[at])
        {
            case '?':
                p = at + 1;
                return true;
            case '\\' when at + 1 < pattern.Length:
                if (pattern[at + 1] != c)
                {
                    return false;
                }

                p = at + 2;
                return true;
            case '[':
                return MatchesClass(pattern, ref p, c);
            default:
                if (pattern[at] != c)
                {
                    return false;
                }

                p = at + 1;
                return true;
        }
    }

    private static bool MatchesClass(string pattern, ref int p, char c)
    {
        var i = p + 1;
        var negate = i < pattern.Length && pattern[i] == '^';
        if (negate)
        {
            i++;
        }

        var found = false;
        // As Redis: an unclosed class runs to the end of the pattern.
        while (i < pattern.Length && pattern[i] != ']')
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                found |= pattern[i + 1] == c;
                i += 2;
            }
            else if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                var (low, high) = pattern[i] <= pattern[i + 2] ? (pattern[i], pattern[i + 2]) : (pattern[i + 2], pattern[i]);
                found |= c >= low && c <= high;
                i += 3;
            }
            else
            {
                found |= pattern[i] == c;
                i++;
            }
        }

        if (found == negate)
        {
            return false;
        }

        p = i < pattern.Length ? i + 1 : i;
        return true;
    }
}
