using System.Globalization;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Npgsql;
using Maintenance.Data.MarketData.FlatFiles;

namespace Maintenance.Benchmarks.Bench.Rest;

/// <summary>What the stand-in answered during one run.</summary>
public sealed record RestRun(string Run, double EndToEndSeconds, StandInTally Tally);

/// <param name="Floor">The stand-in alone at the same concurrency, with the same trouble the services met.</param>
/// <param name="FloorWithoutTrouble">The stand-in alone with its 429s, 503s and slow answers turned off.</param>
/// <param name="TickersServed">Tickers with minute bars on the stand-in for the day.</param>
/// <param name="TickersWithSlots">Tickers with volume slots of the day in the bench database after the runs.</param>
/// <param name="TickersWithDailyBar">Tickers with a daily bar of the day in the bench database.</param>
/// <param name="DailyBarsServed">Tickers in the stand-in's grouped daily of the day.</param>
public sealed record RestReport(
    DateOnly Day,
    int Concurrency,
    IReadOnlyList<RestRun> Runs,
    StandInTally Floor,
    StandInTally FloorWithoutTrouble,
    int TickersServed,
    long TickersWithSlots,
    int DailyBarsServed,
    long TickersWithDailyBar);

/// <summary>
/// The production source at 03:00: the workers read history from flat files and the next day D from the stand-in
/// (<c>FlatFilesThenRest</c> over a view of the sample folder without D's files, so D is not published yet).
/// </summary>
public sealed class RestCase : IAsyncDisposable
{
    public const int DefaultConcurrency = 8;

    private readonly List<RestRun> _runs = [];
    private readonly DateOnly _day;

    private RestCase(PolygonStandIn standIn, string filesWithoutTarget, DateOnly day)
    {
        StandIn = standIn;
        FilesWithoutTarget = filesWithoutTarget;
        _day = day;
    }

    public PolygonStandIn StandIn { get; }

    public string FilesWithoutTarget { get; }

    public static async Task<RestCase> StartAsync(BenchSampleData data, DateOnly day, int tickers, int seed, string root)
    {
        ArgumentNullException.ThrowIfNull(data);
        var view = Path.Combine(root, "rest-view", Path.GetFileName(data.Layout.Root) + "-" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        LinkAllBut(data.Layout, new FlatFileLayout(view), day);
        var standIn = await PolygonStandIn.StartAsync(data.Layout, SampleUniverse.Create(tickers, seed));
        await standIn.PrepareAsync(day);
        return new RestCase(standIn, view, day);
    }

    /// <summary>Points the workers at the view and the stand-in.</summary>
    public void Configure(Dictionary<string, string> environment, int? concurrency)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["MarketData__Source"] = "FlatFilesThenRest";
        environment["MarketData__FlatFilesPath"] = FilesWithoutTarget;
        environment["MarketData__PolygonBaseUrl"] = StandIn.BaseUrl.AbsoluteUri;
        // Not a secret: the stand-in takes any key, and the client insists on one.
        environment["MarketData__PolygonApiKey"] = "stand-in";
        if (concurrency is { } n)
        {
            environment["MarketData__PolygonMaxConcurrency"] = n.ToString(CultureInfo.InvariantCulture);
        }
    }

    public void Record(string run, double endToEndSeconds) => _runs.Add(new RestRun(run, endToEndSeconds, StandIn.Counters.Snapshot()));

    /// <summary>The stand-in alone at <paramref name="concurrency"/>, and what of D reached the bench database.</summary>
    public async Task<RestReport> ReportAsync(string postgres, int concurrency, CancellationToken ct)
    {
        var (floor, withoutTrouble) = await RestFloor.MeasureAsync(StandIn, _day, concurrency, ct);
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(ct);
        var withSlots = await CountAsync(connection, "SELECT count(DISTINCT symbol) FROM volume_slots WHERE trading_date = @day", ct);
        var withDaily = await CountAsync(connection, "SELECT count(*) FROM daily_bars WHERE trading_date = @day", ct);
        var minutePages = await StandIn.MinutePagesAsync(_day);
        var served = minutePages.Count(p => p.EndsWith("&cursor=0", StringComparison.Ordinal));
        return new RestReport(_day, concurrency, _runs, floor, withoutTrouble, served, withSlots, await StandIn.DailyCountAsync(_day), withDaily);
    }

    public ValueTask DisposeAsync() => StandIn.DisposeAsync();

    private async Task<long> CountAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("day", _day);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Links every flat file of <paramref name="from"/> into <paramref name="to"/> except <paramref name="day"/>'s.</summary>
    private static void LinkAllBut(FlatFileLayout from, FlatFileLayout to, DateOnly day)
    {
        var skip = new[] { from.FindDayAggregates(day), from.FindMinuteAggregates(day) }.OfType<string>().Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        if (Directory.Exists(to.Root))
        {
            Directory.Delete(to.Root, recursive: true);
        }

        foreach (var file in Directory.EnumerateFiles(from.Root, "*", SearchOption.AllDirectories))
        {
            if (skip.Contains(Path.GetFullPath(file)))
            {
                continue;
            }

            var link = Path.Combine(to.Root, Path.GetRelativePath(from.Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, Path.GetFullPath(file));
        }
    }
}
