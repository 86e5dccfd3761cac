using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Maintenance.Orchestrator.Api;

/// <summary>
/// The operator API (port 8008 in the host): <c>/health</c>, <c>/status</c>, <c>/status/{date}</c>, <c>/runs</c>,
/// <c>/next-run</c>, <c>POST /trigger</c>, <c>POST /clear-caches</c> and <c>/openapi/v1.json</c>. JSON is snake_case.
/// When <c>Api:Key</c> is configured the two POSTs require it in the <c>X-Api-Key</c> header.
/// </summary>
public static class MaintenanceApi
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const int DefaultRunLimit = 20;
    public const int MaxRunLimit = 500;

    /// <summary>Health checks (bus by MassTransit, database, Redis), OpenAPI, snake_case JSON and the API key setting.</summary>
    public static IServiceCollection AddMaintenanceApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddHealthChecks()
            .AddCheck<SagaDatabaseHealthCheck>("database")
            .AddCheck<RedisHealthCheck>("redis");
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DictionaryKeyPolicy = null;
        });
        services.AddSingleton(new ApiKey(configuration["Api:Key"]));
        return services;
    }

    public static IEndpointRouteBuilder MapMaintenanceApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi();
        app.MapMaintenanceHealth();

        app.MapGet("/status", StatusEndpoints.LatestAsync).WithName("GetLatestStatus").WithSummary("The latest run (by start time).");
        app.MapGet("/status/{date}", StatusEndpoints.ByDateAsync).WithName("GetStatus").WithSummary("The run of one target date (yyyy-MM-dd).");
        app.MapGet("/runs", StatusEndpoints.RunsAsync).WithName("GetRuns").WithSummary("Run history, newest first; ?limit=1..500 (default 20).");
        app.MapGet("/next-run", StatusEndpoints.NextRun).WithName("GetNextRun").WithSummary("The next scheduled fire (03:00 America/New_York on a trading day) and the day it maintains.");

        var mutating = app.MapGroup(string.Empty).AddEndpointFilter<ApiKeyFilter>();
        mutating.MapPost("/trigger", TriggerEndpoint.TriggerAsync).WithName("Trigger")
            .WithSummary("Starts the maintenance of a date (default: the previous trading day); answers at once with the run id.")
            .Accepts<TriggerRequest>(true, "application/json")
            .Produces<ApiError>(StatusCodes.Status401Unauthorized);
        mutating.MapPost("/clear-caches", ClearCachesEndpoint.ClearCachesAsync).WithName("ClearCaches")
            .WithSummary("Sends the clear-caches task on its own (outside any run). During the market session (04:00-20:00 America/New_York on a trading day) it is skipped (200, reason \"market session in progress\") unless force_clear_caches is true, in the query or the body.")
            .Accepts<ClearCachesRequest>(true, "application/json")
            .Produces<ApiError>(StatusCodes.Status401Unauthorized);
        app.MapRunPage();
        return app;
    }

    /// <summary>
    /// <c>/health</c> of every role: 200 only when every check is healthy, else 503 with each check named. MassTransit
    /// reports a bus that lost its broker as Degraded, which must not pass for healthy.
    /// </summary>
    public static IEndpointConventionBuilder MapMaintenanceHealth(this IEndpointRouteBuilder app) =>
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = HealthReportWriter.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
}
