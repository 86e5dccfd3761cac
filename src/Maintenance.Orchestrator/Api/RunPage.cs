using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maintenance.Orchestrator.Api;

/// <summary>
/// The operator's run page: <c>GET /</c> and <c>GET /runs/{date}</c> serve one HTML page that draws itself from the
/// JSON API. The page, its stylesheet and its script are resources of this assembly, so the orchestrator serves
/// everything it needs and the browser fetches nothing from elsewhere (the security policy forbids it).
/// </summary>
public static class RunPage
{
    private const string SecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly PageFile Html = PageFile.Load("index.html", "text/html; charset=utf-8");
    private static readonly PageFile Css = PageFile.Load("run-page.css", "text/css; charset=utf-8");
    private static readonly PageFile Script = PageFile.Load("run-page.js", "text/javascript; charset=utf-8");

    public static IEndpointRouteBuilder MapRunPage(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", (HttpContext context) => ServeAsync(context, Html)).ExcludeFromDescription();
        app.MapGet("/runs/{date}", (string date, HttpContext context) => IsDate(date)
            ? ServeAsync(context, Html)
            : TypedResults.BadRequest(new ApiError($"'{date}' is not a date in the form yyyy-MM-dd")).ExecuteAsync(context)).ExcludeFromDescription();
        app.MapGet("/run-page.css", (HttpContext context) => ServeAsync(context, Css)).ExcludeFromDescription();
        app.MapGet("/run-page.js", (HttpContext context) => ServeAsync(context, Script)).ExcludeFromDescription();
        app.MapGet("/api-info", (ApiKey key) => TypedResults.Ok(new ApiInfo(key.IsRequired)))
            .WithName("GetApiInfo")
            .WithSummary("Whether POST /trigger and POST /clear-caches need the X-Api-Key header (the run page asks).");
        return app;
    }

    private static Task ServeAsync(HttpContext context, PageFile file)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = SecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        context.Response.ContentType = file.ContentType;
        context.Response.ContentLength = file.Content.Length;
        return context.Response.Body.WriteAsync(file.Content, context.RequestAborted).AsTask();
    }

    private static bool IsDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private sealed record PageFile(byte[] Content, string ContentType)
    {
        /// <summary>Reads an embedded resource named <c>RunPage/{name}</c> (see the project file).</summary>
        public static PageFile Load(string name, string contentType)
        {
            using var stream = typeof(RunPage).Assembly.GetManifestResourceStream("RunPage/" + name)
                ?? throw new InvalidOperationException($"The run page resource RunPage/{name} is not embedded in {typeof(RunPage).Assembly.GetName().Name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return new PageFile(copy.ToArray(), contentType);
        }
    }
}
