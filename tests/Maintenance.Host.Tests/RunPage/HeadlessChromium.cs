using Maintenance.Testing;
using Microsoft.Playwright;

namespace Maintenance.Host.Tests.RunPage;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, or MAINTENANCE_TEST_CHROMIUM), driven headless by Playwright. Nothing
/// downloads a browser: Playwright only starts the executable it is given. A test without the browser is skipped
/// with the reason, or fails under MAINTENANCE_REQUIRE_INFRA=1, like a missing server.
/// Register with <c>[assembly: AssemblyFixture(typeof(HeadlessChromium))]</c>.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Variable = "MAINTENANCE_TEST_CHROMIUM";
    public const string DefaultPath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly Lazy<Task<IPlaywright>> _playwright = new(() =>
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        return Playwright.CreateAsync();
    });

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>A browser with a fresh profile folder of its own, deleted with it.</summary>
    public async Task<BrowserSession> OpenAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            MissingServer.Report($"no Chromium at {ExecutablePath} (Debian packages chromium and chromium-driver; or set {Variable})");
        }

        var playwright = await _playwright.Value;
        var profile = Directory.CreateTempSubdirectory("maintenance-chromium-");
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            });
            return new BrowserSession(context, profile);
        }
        catch
        {
            profile.Delete(recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_playwright.IsValueCreated && _playwright.Value.IsCompletedSuccessfully)
        {
            (await _playwright.Value).Dispose();
        }
    }
}

public sealed class BrowserSession(IBrowserContext context, DirectoryInfo profile) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await Context.DisposeAsync();
        profile.Delete(recursive: true);
    }
}
