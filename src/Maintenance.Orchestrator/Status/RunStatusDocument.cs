using System.Globalization;
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Orchestrator.Persistence;

namespace Maintenance.Orchestrator.Status;

/// <summary>The JSON of <c>maintenance:status:{date}</c> (docs/DESIGN.md): times in New York time with their offset.</summary>
public sealed record RunStatusDocument(
    string Date,
    string? StartedAt,
    string? CompletedAt,
    double? DurationSeconds,
    bool AllSuccess,
    IReadOnlyDictionary<string, string> Tasks)
{
    public static RunStatusDocument Of(MaintenanceRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var steps = run.CurrentSteps.ToList();
        var requested = steps.Where(s => s.Requested).ToList();
        var allSuccess = run.CompletedAt is not null && requested.Count > 0 && requested.All(s => s.Status == StepStatus.Success);
        var tasks = new Dictionary<string, string>();
        foreach (var step in MaintenanceSteps.InOrder)
        {
            var row = steps.FirstOrDefault(s => s.Step == step);
            tasks[step.StatusKey()] = SagaDbContext.StatusName(row?.Status ?? StepStatus.Pending);
        }

        return new RunStatusDocument(
            run.TargetDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            NewYorkTime(run.StartedAt),
            NewYorkTime(run.CompletedAt),
            run.StartedAt is { } started && run.CompletedAt is { } completed ? Math.Round((completed - started).TotalSeconds, 3) : null,
            allSuccess,
            tasks);
    }

    /// <summary>ISO 8601 with the New York offset: <c>2025-12-02T03:00:04.512-05:00</c>.</summary>
    public static string? NewYorkTime(DateTimeOffset? instant) => instant is { } value
        ? TimeZoneInfo.ConvertTime(value, TradingCalendar.NewYork).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture)
        : null;
}
