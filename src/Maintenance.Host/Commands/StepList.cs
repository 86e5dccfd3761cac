using Maintenance.Contracts;

namespace Maintenance.Host.Commands;

public static class StepList
{
    /// <summary>Parses "load-ohlc,load-volume-slots"; empty means every step.</summary>
    public static IReadOnlyList<MaintenanceStep> Parse(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return MaintenanceSteps.InOrder;
        }

        var steps = new List<MaintenanceStep>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!MaintenanceSteps.TryParse(name, out var step))
            {
                var known = string.Join(", ", MaintenanceSteps.InOrder.Select(s => s.QueueName()));
                throw new ArgumentException($"{option}: unknown task '{name}'. Known tasks: {known}.");
            }

            if (!steps.Contains(step))
            {
                steps.Add(step);
            }
        }

        return steps;
    }
}
