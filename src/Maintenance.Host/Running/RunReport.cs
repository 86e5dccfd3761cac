using System.Globalization;
using Maintenance.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Maintenance.Host.Running;

/// <summary>The terminal views of a run: plain lines while it goes (<see cref="RunProgressBars"/> on a terminal), a summary table at the end.</summary>
public static class RunReport
{
    /// <summary>The plain output's line for a step, e.g. <c>load-volume-slots: running 3/5 days</c>.</summary>
    public static string Line(MaintenanceStep step, StepLive live)
    {
        ArgumentNullException.ThrowIfNull(live);
        return live.Advance is null ? $"{step.QueueName()}: {live.State}" : $"{step.QueueName()}: {live.State} {live.Advance}";
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

    internal static IRenderable Status(string state) => new Markup(StatusMarkup(state));

    internal static string StatusMarkup(string state) => state switch
    {
        "success" => "[green]success[/]",
        "running" => "[yellow]running[/]",
        "failed" => "[red]failed[/]",
        "skipped" => "[grey]skipped[/]",
        _ => Markup.Escape(state),
    };
}
