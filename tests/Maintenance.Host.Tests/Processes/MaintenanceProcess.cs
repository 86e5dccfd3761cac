using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Maintenance.Host.Tests.Processes;

/// <summary>
/// The real <c>maintenance</c> executable as a child process, in a folder of its own, with only the settings the
/// test gives it (the test's own ConnectionStrings__* and MarketData__* are not inherited).
/// </summary>
public sealed class MaintenanceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private MaintenanceProcess(Process process, string folder)
    {
        _process = process;
        Folder = folder;
    }

    /// <summary>The working directory; the embedded profile keeps <c>.maintenance/</c> here.</summary>
    public string Folder { get; }

    public int Id => _process.Id;

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    public static MaintenanceProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        folder ??= Directory.CreateTempSubdirectory("maintenance-process-").FullName;
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "maintenance"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = folder,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("MarketData__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["MASSTRANSIT_USAGE_TELEMETRY"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var child = new MaintenanceProcess(process, folder);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends a POSIX signal (TERM, INT, KILL, STOP, CONT) with the system's kill command.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>The exit code, or null when the process is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Polls <c>GET {address}health</c> until it answers <paramref name="status"/>; the last answer either way.</summary>
    public static async Task<(HttpStatusCode? Status, string Body)> WaitForHealthAsync(Uri address, HttpStatusCode status, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        (HttpStatusCode? Status, string Body) last = (null, "no answer");
        while (deadline.Elapsed < timeout)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("health", UriKind.Relative));
                last = (response.StatusCode, await response.Content.ReadAsStringAsync());
                if (response.StatusCode == status)
                {
                    return last;
                }
            }
            catch (HttpRequestException e)
            {
                last = (null, e.Message);
            }
            catch (TaskCanceledException e)
            {
                last = (null, e.Message);
            }

            await Task.Delay(250);
        }

        return last;
    }

    public static Uri FreeLoopbackAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying grandchild: the temp folder is the system's to clean.
        }
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
