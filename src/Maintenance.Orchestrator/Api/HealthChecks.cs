using System.Text.Json;
using Maintenance.Orchestrator.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Maintenance.Orchestrator.Api;

/// <summary>The saga store answers a query on its own table.</summary>
public sealed class SagaDatabaseHealthCheck(SagaDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.Runs.AsNoTracking().AnyAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{db.Database.ProviderName} answers");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the saga store does not answer: {e.Message}");
        }
    }
}

/// <summary>Redis answers a PING within two seconds.</summary>
public sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var redis = services.GetService<IConnectionMultiplexer>();
            if (redis is null)
            {
                return HealthCheckResult.Unhealthy("no Redis connection is configured (ConnectionStrings:Redis)");
            }

            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis does not answer: {e.Message}");
        }
    }
}

internal static class HealthReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary><c>{"status":"healthy","checks":{"database":{"status":"healthy","description":"..."},...}}</c></summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString().ToLowerInvariant(),
            ["checks"] = report.Entries.ToDictionary(
                e => e.Key,
                e => new Dictionary<string, string?>
                {
                    ["status"] = e.Value.Status.ToString().ToLowerInvariant(),
                    ["description"] = e.Value.Description ?? e.Value.Exception?.Message,
                }),
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
