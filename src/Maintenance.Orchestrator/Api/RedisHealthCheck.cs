using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Maintenance.Orchestrator.Api;

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
