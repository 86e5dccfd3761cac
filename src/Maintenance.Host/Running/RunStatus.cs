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
}
