using Microsoft.AspNetCore.Http;

namespace Maintenance.Orchestrator.Api;

/// <summary>Refuses a POST without the configured <c>X-Api-Key</c> (401), in constant time.</summary>
internal sealed class ApiKeyFilter(ApiKey key) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (key.IsRequired && !key.Matches(context.HttpContext.Request.Headers[MaintenanceApi.ApiKeyHeader].FirstOrDefault()))
        {
            return TypedResults.Json(new ApiError($"missing or wrong {MaintenanceApi.ApiKeyHeader} header"), statusCode: StatusCodes.Status401Unauthorized);
        }

        return await next(context);
    }
}
