using Maintenance.Contracts;
using Spectre.Console;

namespace Maintenance.Host.Running;

/// <summary>
/// <c>run</c> on a terminal: one Spectre progress bar per step, filled by the step's progress reports while it runs
/// (spinning when it has reported no total yet), full when it succeeded, left where it stopped when it failed.
/// </summary>
public sealed class RunProgressBars
{
    private const int NameWidth = 24;

    private readonly Dictionary<MaintenanceStep, ProgressTask> _bars;

    public RunProgressBars(ProgressContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _bars = MaintenanceSteps.InOrder.ToDictionary(
            step => step,
            step => context.AddTask(Description(step, Pending), autoStart: false, maxValue: 1));
    }

    private static StepLive Pending { get; } = new("pending");

    public static ProgressColumn[] Columns() =>
    [
        new TaskDescriptionColumn { Alignment = Justify.Left },
        new ProgressBarColumn { Width = 30 },
        new PercentageColumn(),
        new ElapsedTimeColumn(),
    ];

    public void Update(IReadOnlyDictionary<MaintenanceStep, StepLive> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var (step, task) in _bars)
        {
            var live = steps.GetValueOrDefault(step) ?? Pending;
            var bar = StepBar.Of(live);
            task.Description = Description(step, live);
            task.IsIndeterminate = bar.Indeterminate;
            if (bar.Value is { } value && bar.MaxValue is { } maxValue)
            {
                task.MaxValue = maxValue;
                task.Value = value;
            }

            if (bar.Started && !task.IsStarted)
            {
                task.StartTask();
            }

            // A full bar counts as finished but its clock runs until stopped.
            if (bar.Stopped && task.IsStarted && task.StopTime is null)
            {
                task.StopTask();
            }
        }
    }

    /// <summary>Step name, state and, while it runs, how far it has come: <c>load-volume-slots running 3/5 days</c>.</summary>
    public static string Description(MaintenanceStep step, StepLive live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var name = Markup.Escape(step.QueueName().PadRight(NameWidth));
        var advance = live.Advance is null ? "" : " " + Markup.Escape(live.Advance.ToString());
        return $"{name} {RunReport.StatusMarkup(live.State)}{advance}";
    }
}
