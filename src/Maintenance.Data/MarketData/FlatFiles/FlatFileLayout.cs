using System.Globalization;

namespace Maintenance.Data.MarketData.FlatFiles;

/// <summary>
/// Where Polygon's flat files live under a root folder, as Polygon's S3 bucket lays them out:
/// <c>us_stocks_sip/day_aggs_v1/YYYY/MM/YYYY-MM-DD.csv.gz</c> and <c>us_stocks_sip/minute_aggs_v1/...</c>.
/// A plain <c>.csv</c> beside it is read as well.
/// </summary>
public sealed class FlatFileLayout(string root)
{
    public const string DayAggregatesFolder = "day_aggs_v1";
    public const string MinuteAggregatesFolder = "minute_aggs_v1";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The path a day's day-aggregates file is written to and looked for first.</summary>
    public string DayAggregatesPath(DateOnly day) => PathOf(DayAggregatesFolder, day, ".csv.gz");

    public string MinuteAggregatesPath(DateOnly day) => PathOf(MinuteAggregatesFolder, day, ".csv.gz");

    /// <summary>The existing day-aggregates file of <paramref name="day"/> (.csv.gz, else .csv), or null.</summary>
    public string? FindDayAggregates(DateOnly day) => Find(DayAggregatesFolder, day);

    public string? FindMinuteAggregates(DateOnly day) => Find(MinuteAggregatesFolder, day);

    /// <summary>The days that have a day-aggregates file, newest first.</summary>
    public IEnumerable<DateOnly> DaysWithDayAggregates()
    {
        var folder = Path.Combine(Root, "us_stocks_sip", DayAggregatesFolder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(folder, "*.csv*", SearchOption.AllDirectories)
            .Select(path => Path.GetFileName(path).Split('.')[0])
            .Select(name => DateOnly.TryParseExact(name, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : (DateOnly?)null)
            .OfType<DateOnly>()
            .Distinct()
            .OrderDescending();
    }

    private string PathOf(string dataset, DateOnly day, string extension) =>
        Path.Combine(Root, "us_stocks_sip", dataset, day.ToString("yyyy", CultureInfo.InvariantCulture), day.ToString("MM", CultureInfo.InvariantCulture), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + extension);

    private string? Find(string dataset, DateOnly day)
    {
        var gz = PathOf(dataset, day, ".csv.gz");
        if (File.Exists(gz))
        {
            return gz;
        }

        var csv = PathOf(dataset, day, ".csv");
        return File.Exists(csv) ? csv : null;
    }
}
