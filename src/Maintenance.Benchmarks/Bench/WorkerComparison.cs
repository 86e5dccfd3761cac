using System.Globalization;
using Spectre.Console;

namespace Maintenance.Benchmarks.Bench;

/// <param name="Step">A step's queue name, or <c>end to end</c>.</param>
/// <param name="SpeedUp">Wall time with the first worker count over wall time with the second; null when either is missing.</param>
public sealed record WorkerSpeedUp(string Case, string Step, double? SecondsFirst, double? SecondsSecond, double? SpeedUp);

/// <summary>The same three cases with two worker counts, measured back to back on fresh databases.</summary>
public sealed record WorkerComparison(int First, int Second, IReadOnlyList<WorkerSpeedUp> Steps)
{
    public static WorkerComparison Of(int first, int second, IReadOnlyDictionary<string, MeasuredRun> firstRuns, IReadOnlyDictionary<string, MeasuredRun> secondRuns)
    {
        ArgumentNullException.ThrowIfNull(firstRuns);
        ArgumentNullException.ThrowIfNull(secondRuns);
        var rows = new List<WorkerSpeedUp>();
        foreach (var name in new[] { BenchReport.NextDay, BenchReport.FirstRun, BenchReport.ReRun })
        {
            if (!firstRuns.TryGetValue(name, out var a) || !secondRuns.TryGetValue(name, out var b))
            {
                continue;
            }

            rows.Add(Row(name, "end to end", a.EndToEnd.TotalSeconds, b.EndToEnd.TotalSeconds));
            foreach (var step in a.Status.Steps)
            {
                var other = b.Status.Steps.FirstOrDefault(s => s.Step == step.Step);
                rows.Add(Row(name, step.Step, Wall(step), other is null ? null : Wall(other)));
            }
        }

        return new WorkerComparison(first, second, rows);
    }

    public Table Table()
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"{First} vs {Second} worker process(es), back to back")
            .AddColumn("case").AddColumn("step")
            .AddColumn(new TableColumn($"{First} worker(s) s").RightAligned()).AddColumn(new TableColumn($"{Second} worker(s) s").RightAligned())
            .AddColumn(new TableColumn("speed-up").RightAligned());
        foreach (var row in Steps)
        {
            table.AddRow(row.Case, row.Step, Number(row.SecondsFirst, "F2"), Number(row.SecondsSecond, "F2"), Number(row.SpeedUp, "F2") + (row.SpeedUp is null ? "" : "x"));
        }

        return table;
    }

    private static WorkerSpeedUp Row(string name, string step, double? first, double? second) =>
        new(name, step, first, second, first is > 0 && second is > 0 ? first / second : null);

    private static double? Wall(StepStatus step) =>
        step.StartedAt is { } s && step.CompletedAt is { } c ? (c - s).TotalSeconds : null;

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}
