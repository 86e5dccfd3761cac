// Longer than 250 lines: the bench's whole printed report (not shipped); splitting the tables apart would split one output.
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Maintenance.Benchmarks.Bench.Rest;
using Spectre.Console;

namespace Maintenance.Benchmarks.Bench;

public sealed record BenchShape(int Tickers, int Days, int MinuteDays, int Seed, DateOnly TargetDate, int Workers, int Cores);

public sealed record SampleReport(string Folder, int DaysWritten, double Seconds, long MinuteFileBytes);

/// <param name="Skipped">The task found its work already done (from its own completion event); null when unknown.</param>
/// <param name="WallSeconds">From the saga sending the command to its recording the answer.</param>
/// <param name="WorkSeconds">The consumer's own duration, as its completion event reports it.</param>
/// <param name="FloorSeconds">The physical floor of the same work (see <see cref="Floors.For(string, string)"/>).</param>
/// <param name="Ratio">Wall time over the physical floor; only for work actually done.</param>
/// <param name="ReaderRatio">Wall time over the earlier floor that parses with the project's own reader.</param>
public sealed record StepReport(
    string Step,
    string Status,
    bool? Skipped,
    double? WallSeconds,
    double? WorkSeconds,
    double? Units,
    string Unit,
    double? PerSecond,
    double? FloorSeconds,
    string? FloorBasis,
    double? Ratio,
    double? ReaderRatio,
    string? Note,
    IReadOnlyDictionary<string, double>? Metrics);

/// <param name="EndToEndSeconds">From POST /trigger to the run's end (its CompletedAt).</param>
/// <param name="SagaSeconds">The saga's own StartedAt to CompletedAt.</param>
/// <param name="LoadBefore">The machine's one-minute load average as the run started (see <see cref="MachineLoad"/>).</param>
public sealed record BenchRunReport(string Name, bool Succeeded, string? Reason, int Attempt, double EndToEndSeconds, double SagaSeconds, double? LoadBefore, double? LoadAfter, IReadOnlyList<StepReport> Steps);

/// <param name="PeakBytes">VmHWM: the most resident memory the process ever had.</param>
public sealed record ProcessPeak(string Process, int Pid, long? PeakBytes);

public sealed record TargetCheck(string Target, string Limit, string Actual, bool Met);

/// <summary>Everything one bench found; printed as tables and written as JSON with <c>--json</c>.</summary>
public sealed record BenchReport(
    DateTimeOffset At,
    BenchShape Shape,
    SampleReport Sample,
    IReadOnlyDictionary<string, string> ServiceSettings,
    IReadOnlyList<BenchRunReport> Runs,
    IReadOnlyList<FloorMeasure> Floors,
    double? FloorsLoadBefore,
    double? FloorsLoadAfter,
    IReadOnlyList<ProcessPeak> Memory,
    RestReport? Rest,
    WorkerComparison? Workers,
    IReadOnlyList<TargetCheck> Targets)
{
    public const string NextDay = "next day";
    public const string FirstRun = "first run, empty database";
    public const string ReRun = "re-run";
    public const string NextDayOverRest = "next day, D over REST";
    public const double FloorRatioTarget = 1.5;
    public const long MemoryTargetBytes = 1L << 30;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A file for people and tools, not HTML: keep '+' and quotes readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static BenchRunReport Run(string name, MeasuredRun run, double? loadBefore, double? loadAfter, Floors floors)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(floors);
        var status = run.Status;
        var steps = status.Steps.Select(s => Step(s, name, floors)).ToList();
        var saga = status.StartedAt is { } started && status.CompletedAt is { } completed ? (completed - started).TotalSeconds : run.EndToEnd.TotalSeconds;
        var reason = status.Succeeded ? null : status.Outcome ?? status.State;
        return new BenchRunReport(name, status.Succeeded, reason, status.Attempt, run.EndToEnd.TotalSeconds, saga, loadBefore, loadAfter, steps);
    }

    /// <summary>
    /// The targets: next day within 10 s, first run within 25 s, re-run within 2 s, every step that did work within
    /// 1.5x of its floor (the runs from files), each process under 1 GB; over REST, the next day within 10 s and
    /// within 1.5x of the stand-in's throughput, and every ticker it served stored.
    /// </summary>
    public static List<TargetCheck> Check(IReadOnlyList<BenchRunReport> runs, IReadOnlyList<ProcessPeak> memory, RestReport? rest)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(memory);
        var limits = new Dictionary<string, double> { [NextDay] = 10, [FirstRun] = 25, [ReRun] = 2, [NextDayOverRest] = 10 };
        var checks = new List<TargetCheck>();
        foreach (var run in runs)
        {
            if (limits.TryGetValue(run.Name, out var limit))
            {
                checks.Add(Seconds(run.Name + ", end to end", limit, run));
            }

            // Over REST a step's work is the stand-in's answers, not the files its floor measures: the REST run is
            // judged by the stand-in's own throughput below.
            foreach (var step in run.Steps.Where(s => s.Ratio is not null && run.Name != NextDayOverRest))
            {
                checks.Add(new TargetCheck($"{run.Name}: {step.Step} vs its floor", $"<= {FloorRatioTarget:0.#}x", Invariant($"{step.Ratio:F2}x"), step.Ratio <= FloorRatioTarget));
            }
        }

        foreach (var process in memory)
        {
            checks.Add(new TargetCheck($"peak memory of {process.Process}", "< 1 GB", process.PeakBytes is { } b ? Megabytes(b) : "unknown", process.PeakBytes < MemoryTargetBytes));
        }

        if (rest is not null)
        {
            var ratio = RestRatio(rest.Floor, rest.Runs.FirstOrDefault(r => r.Run == NextDay)?.Tally);
            checks.Add(new TargetCheck("next day over REST vs the stand-in's throughput", $"<= {FloorRatioTarget:0.#}x", Invariant($"{Number(ratio, "F2")}x"), ratio <= FloorRatioTarget));
            var lost = Math.Max(0, rest.TickersServed - rest.TickersWithSlots) + Math.Max(0, rest.DailyBarsServed - rest.TickersWithDailyBar);
            checks.Add(new TargetCheck("tickers lost over REST (slots, daily bars)", "0", Invariant($"{lost:N0}"), lost == 0));
        }

        return checks;
    }

    public void Print()
    {
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]bench[/] {Shape.Tickers:N0} tickers, {Shape.Days} days of daily bars, {Shape.MinuteDays} days of minute bars, target {Shape.TargetDate:yyyy-MM-dd}, {Shape.Workers} worker process(es), {Shape.Cores} cores");
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"sample data {Sample.Folder} ({Sample.DaysWritten} days written in {Sample.Seconds:F1}s; minute file of the target day {Megabytes(Sample.MinuteFileBytes)})");
        AnsiConsole.MarkupLineInterpolated($"service settings: {string.Join(", ", ServiceSettings.Select(s => $"{s.Key}={s.Value}"))}");
        foreach (var run in Runs)
        {
            AnsiConsole.Write(RunTable(run));
        }

        AnsiConsole.Write(FloorTable());
        if (Rest is not null)
        {
            AnsiConsole.Write(RestTable(Rest));
        }

        if (Workers is not null)
        {
            AnsiConsole.Write(Workers.Table());
        }

        AnsiConsole.Write(MemoryTable());
        AnsiConsole.Write(TargetTable());
    }

    public async Task WriteJsonAsync(string path, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, Json, ct);
    }

    private static StepReport Step(StepStatus step, string run, Floors floors)
    {
        double? wall = step.StartedAt is { } s && step.CompletedAt is { } c ? (c - s).TotalSeconds : null;
        var units = StepWork.Units(step.Step, step.Metrics);
        var floor = floors.For(step.Step, run);
        var didWork = step.Status == "success" && !step.WorkSkipped;
        // A step that found its work done only checked it: its count is not a rate of work.
        double? perSecond = didWork && units is { } u && wall is > 0 ? u / wall : null;
        double? floorSeconds = floor is not null && units is { } n && didWork ? n * floor.SecondsPerUnit : null;
        double? ratio = floorSeconds is > 0 && wall is { } w ? w / floorSeconds : null;
        double? readerFloor = floors.WithReader(step.Step) is { } reader && units is { } m && didWork ? m * reader.SecondsPerUnit : null;
        double? readerRatio = readerFloor is > 0 && wall is { } v ? v / readerFloor : null;
        var note = step.Error ?? (step.WorkSkipped ? "already done: " + step.Verdict : step.Verdict);
        return new StepReport(
            step.Step,
            step.Status,
            step.Status == "success" ? step.WorkSkipped : null,
            wall,
            step.DurationSeconds,
            units,
            StepWork.Unit(step.Step),
            perSecond,
            floorSeconds,
            floorSeconds is null ? null : floor?.Basis,
            ratio,
            readerRatio,
            note,
            step.Metrics);
    }

    private static TargetCheck Seconds(string name, double limit, BenchRunReport run) =>
        new(name, Invariant($"<= {limit:0} s"), Invariant($"{run.EndToEndSeconds:F1} s{(run.Succeeded ? "" : " (run not successful)")}"), run.Succeeded && run.EndToEndSeconds <= limit);

    private static Table RunTable(BenchRunReport run)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape(Invariant($"{run.Name} (attempt {run.Attempt}): {(run.Succeeded ? "succeeded" : "FAILED " + run.Reason)}, end to end {run.EndToEndSeconds:F2} s (saga {run.SagaSeconds:F2} s); load average {Load(run.LoadBefore)} before, {Load(run.LoadAfter)} after")))
            .AddColumn("step").AddColumn("status")
            .AddColumn(new TableColumn("wall s").RightAligned()).AddColumn(new TableColumn("work s").RightAligned())
            .AddColumn(new TableColumn("rows/keys").RightAligned()).AddColumn(new TableColumn("per s").RightAligned())
            .AddColumn(new TableColumn("floor s").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned())
            .AddColumn(new TableColumn("vs reader").RightAligned()).AddColumn("physical floor basis");
        foreach (var step in run.Steps)
        {
            var status = step.Skipped == true ? "already done" : step.Status;
            table.AddRow(
                new Text(step.Step),
                new Text(status),
                new Text(Number(step.WallSeconds, "F2")),
                new Text(Number(step.WorkSeconds, "F2")),
                new Text(step.Units is { } u ? Invariant($"{u:N0} {step.Unit}") : ""),
                new Text(Number(step.PerSecond, "N0")),
                new Text(Number(step.FloorSeconds, "F2")),
                Ratio(step.Ratio),
                new Text(step.ReaderRatio is { } r ? Invariant($"{r:F2}x") : ""),
                new Text(step.FloorBasis ?? ""));
        }

        return table;
    }

    private Table FloorTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"floors, measured on the same data with the services stopped; load average {Load(FloorsLoadBefore)} before, {Load(FloorsLoadAfter)} after")
            .AddColumn("floor").AddColumn(new TableColumn("count").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned())
            .AddColumn(new TableColumn("per s").RightAligned()).AddColumn("what");
        foreach (var floor in Floors)
        {
            table.AddRow(floor.Name, Invariant($"{floor.Count:N0} {floor.Unit}"), Invariant($"{floor.Seconds:F3}"), Invariant($"{floor.PerSecond:N0}"), floor.What);
        }

        return table;
    }

    /// <summary>The stand-in's answers per run; the last rows are the stand-in alone: its floor, with and without its trouble.</summary>
    private static Table RestTable(RestReport rest)
    {
        var next = rest.Runs.FirstOrDefault(r => r.Run == NextDay)?.Tally;
        var ratio = RestRatio(rest.Floor, next);
        var withoutTrouble = RestRatio(rest.FloorWithoutTrouble, next);
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Invariant($"REST source: {rest.Day:yyyy-MM-dd} from the Polygon stand-in, concurrency {rest.Concurrency}"))
            .Caption(Invariant($"next day at {Number(ratio, "F2")}x the stand-in's floor (calls/s; {Number(withoutTrouble, "F2")}x of it without its trouble); tickers with slots {rest.TickersWithSlots:N0} of {rest.TickersServed:N0} served, daily bars {rest.TickersWithDailyBar:N0} of {rest.DailyBarsServed:N0}"))
            .AddColumn("run").AddColumn(new TableColumn("calls").RightAligned()).AddColumn(new TableColumn("minute calls").RightAligned())
            .AddColumn(new TableColumn("other calls").RightAligned()).AddColumn(new TableColumn("429").RightAligned()).AddColumn(new TableColumn("503").RightAligned())
            .AddColumn(new TableColumn("slow").RightAligned()).AddColumn(new TableColumn("REST s").RightAligned()).AddColumn(new TableColumn("calls/s").RightAligned());
        foreach (var run in rest.Runs.Append(new RestRun("stand-in alone (floor)", 0, rest.Floor)).Append(new RestRun("stand-in alone, no trouble", 0, rest.FloorWithoutTrouble)))
        {
            table.AddRow(run.Run, Invariant($"{run.Tally.Calls:N0}"), Invariant($"{run.Tally.MinuteCalls:N0}"), Invariant($"{run.Tally.OtherCalls:N0}"), Invariant($"{run.Tally.RateLimited:N0}"),
                Invariant($"{run.Tally.Failing:N0}"), Invariant($"{run.Tally.Slow:N0}"), Invariant($"{run.Tally.ActiveSeconds:F2}"), Invariant($"{run.Tally.CallsPerSecond:N0}"));
        }

        return table;
    }

    private static double? RestRatio(StandInTally floor, StandInTally? run) =>
        run is { CallsPerSecond: > 0 } && floor.CallsPerSecond > 0 ? floor.CallsPerSecond / run.CallsPerSecond : null;

    private Table MemoryTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("peak memory (VmHWM)").AddColumn("process").AddColumn("pid").AddColumn(new TableColumn("peak").RightAligned());
        foreach (var process in Memory)
        {
            table.AddRow(process.Process, process.Pid.ToString(CultureInfo.InvariantCulture), process.PeakBytes is { } b ? Megabytes(b) : "unknown");
        }

        return table;
    }

    private Table TargetTable()
    {
        var table = new Table().Border(TableBorder.Rounded).Title("targets").AddColumn("target").AddColumn("limit").AddColumn("actual").AddColumn("met");
        foreach (var check in Targets)
        {
            table.AddRow(new Text(check.Target), new Text(check.Limit), new Text(check.Actual), check.Met ? new Markup("[green]yes[/]") : new Markup("[red]no[/]"));
        }

        return table;
    }

    private static Markup Ratio(double? ratio) => ratio switch
    {
        null => new Markup(""),
        <= FloorRatioTarget => new Markup(Invariant($"[green]{ratio:F2}x[/]")),
        _ => new Markup(Invariant($"[red]{ratio:F2}x[/]")),
    };

    private static string Load(double? load) => load?.ToString("F1", CultureInfo.InvariantCulture) ?? "unknown";

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";

    private static string Megabytes(long bytes) => Invariant($"{bytes / (1024.0 * 1024.0):N0} MB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
