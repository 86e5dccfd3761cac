using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Telemetry;

namespace Maintenance.Data.MarketData.PolygonRest;

/// <summary>
/// The resilience pipeline of the named <c>polygon</c> client: a total timeout, retries (backoff with jitter, or the
/// server's Retry-After), a circuit breaker, the concurrency bound, then each attempt's timeout. The standard handler
/// puts the concurrency bound outside the retries, so a request waiting out a Retry-After or its backoff kept its slot
/// and every other request waited behind it; here a slot is held only while an attempt is on the wire.
/// </summary>
public static class PolygonRestResilience
{
    /// <summary>Adds the pipeline to the client <paramref name="client"/> builds.</summary>
    public static IHttpResiliencePipelineBuilder AddPolygonResilience(this IHttpClientBuilder client, PolygonRestOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);

        // Polly logs every attempt that succeeded at Information: one line per call, some 30,000 lines and their
        // formatting on the 03:00 day. Those go to Debug; retries, timeouts and the breaker keep their warnings.
        client.Services.ConfigureAll<TelemetryOptions>(telemetry => telemetry.SeverityProvider = args =>
            args.Event.EventName == "ExecutionAttempt" && args.Event.Severity == ResilienceEventSeverity.Information
                ? ResilienceEventSeverity.Debug
                : args.Event.Severity);
        return client.AddResilienceHandler("polygon", pipeline =>
        {
            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromMinutes(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
            });
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, options.AttemptTimeout.Ticks * 2)),
                // A 429 is Polygon asking us to wait (the retry honours its Retry-After), not Polygon failing:
                // a burst of them must slow the day down, not open the circuit and fail every request behind it.
                ShouldHandle = args => ValueTask.FromResult(
                    HttpClientResiliencePredicates.IsTransient(args.Outcome) && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests),
            });
            pipeline.AddConcurrencyLimiter(options.MaxConcurrency, 1_000_000);
            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });
        });
    }
}
