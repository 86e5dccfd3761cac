using System.Globalization;
using Maintenance.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Maintenance.Host.Running;

/// <summary>The terminal views of a run: live step states while it goes, a summary table at the end.</summary>
public static class RunReport
{
    public static Table Progress(DateOnly date, IReadOnlyDictionary<MaintenanceStep, string> states, TimeSpan elapsed)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"maintenance {date:yyyy-MM-dd} · {elapsed.TotalSeconds:F0}s")
            .AddColumn("step").AddColumn("status");
        foreach (var step in MaintenanceSteps.InOrder)
        {
            var state = states.TryGetValue(step, out var s) ? s : "pending";
            table.AddRow(new Text(step.QueueName()), Status(state));
        }

        return table;
    }

    public static Table Summary(RunOutcome outcome)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"maintenance {outcome.TargetDate:yyyy-MM-dd} attempt {outcome.Attempt}: {(outcome.Succeeded ? "succeeded" : "FAILED")} in {(outcome.EndedAt - outcome.StartedAt).TotalSeconds:F1}s")
            .AddColumn("step").AddColumn("status").AddColumn(new TableColumn("seconds").RightAligned()).AddColumn("figures");
        foreach (var step in outcome.Steps)
        {
            var seconds = step.StartedAt is { } s && step.CompletedAt is { } c ? (c - s).TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) : "";
            var figures = step.Error ?? Figures(step.Metrics);
            table.AddRow(new Text(step.Step.QueueName()), Status(step.Status.ToString().ToLowerInvariant()), new Text(seconds), new Text(figures));
        }

        if (!outcome.Succeeded && outcome.Reason is not null)
        {
            table.Caption(outcome.Reason);
        }

        return table;
    }

    private static string Figures(IReadOnlyDictionary<string, double>? metrics) =>
        metrics is null ? "" : string.Join(", ", metrics.Take(6).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}={m.Value:#,0.##}")));

    private static IRenderable Status(string state) => state switch
    {
        "success" => new Markup("[green]success[/]"),
        "running" => new Markup("[yellow]running[/]"),
        "failed" => new Markup("[red]failed[/]"),
        "skipped" => new Markup("[grey]skipped[/]"),
        _ => new Text(state),
    };
}
