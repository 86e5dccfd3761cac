using System.Text.Json;
using Maintenance.Contracts;
using Maintenance.Data.Redis;
using StackExchange.Redis;

namespace Maintenance.Host.Running;

/// <summary>Reads the saga's public status key, <c>maintenance:status:{date}</c>, for live progress.</summary>
public sealed class RunStatus(IConnectionMultiplexer redis)
{
    public async Task<IReadOnlyDictionary<MaintenanceStep, string>> ReadAsync(DateOnly date)
    {
        var json = await redis.GetDatabase().StringGetAsync(RedisKeys.MaintenanceStatus(date));
        var steps = new Dictionary<MaintenanceStep, string>();
        if (json.IsNullOrEmpty)
        {
            return steps;
        }

        using var document = JsonDocument.Parse(json.ToString());
        if (document.RootElement.TryGetProperty("tasks", out var tasks) && tasks.ValueKind == JsonValueKind.Object)
        {
            foreach (var task in tasks.EnumerateObject())
            {
                if (MaintenanceSteps.TryParse(task.Name, out var step))
                {
                    steps[step] = task.Value.GetString() ?? "";
                }
            }
        }

        return steps;
    }

    /// <summary>
    /// When the status key says the attempt that started at or after <paramref name="notBefore"/> has ended: its start,
    /// end and whether every step succeeded; else null.
    /// </summary>
    public async Task<(DateTimeOffset StartedAt, DateTimeOffset CompletedAt, bool AllSuccess)?> ReadEndAsync(DateOnly date, DateTimeOffset notBefore)
    {
        var json = await redis.GetDatabase().StringGetAsync(RedisKeys.MaintenanceStatus(date));
        if (json.IsNullOrEmpty)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json.ToString());
        var root = document.RootElement;
        if (root.TryGetProperty("started_at", out var started) && started.ValueKind == JsonValueKind.String
            && root.TryGetProperty("completed_at", out var completed) && completed.ValueKind == JsonValueKind.String
            && started.GetDateTimeOffset() >= notBefore)
        {
            return (started.GetDateTimeOffset(), completed.GetDateTimeOffset(), root.TryGetProperty("all_success", out var all) && all.ValueKind == JsonValueKind.True);
        }

        return null;
    }
}
