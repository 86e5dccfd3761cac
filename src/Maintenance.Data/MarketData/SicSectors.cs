using System.Globalization;

namespace Maintenance.Data.MarketData;

/// <summary>
/// The sector of a ticker from its SIC code: the SIC division the code falls in (the SEC's own grouping;
/// Polygon gives only the code and its description, which serves as the industry).
/// </summary>
public static class SicSectors
{
    private static readonly (int From, int To, string Sector)[] Divisions =
    [
        (100, 999, "Agriculture, Forestry and Fishing"),
        (1000, 1499, "Mining"),
        (1500, 1799, "Construction"),
        (2000, 3999, "Manufacturing"),
        (4000, 4999, "Transportation and Public Utilities"),
        (5000, 5199, "Wholesale Trade"),
        (5200, 5999, "Retail Trade"),
        (6000, 6799, "Finance, Insurance and Real Estate"),
        (7000, 8999, "Services"),
        (9100, 9729, "Public Administration"),
        (9900, 9999, "Nonclassifiable"),
    ];

    /// <summary>The SIC division of <paramref name="sicCode"/> (e.g. "3571" → Manufacturing); null when the code is missing or unknown.</summary>
    public static string? SectorOf(string? sicCode)
    {
        if (!int.TryParse(sicCode, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return null;
        }

        foreach (var (from, to, sector) in Divisions)
        {
            if (code >= from && code <= to)
            {
                return sector;
            }
        }

        return null;
    }
}
