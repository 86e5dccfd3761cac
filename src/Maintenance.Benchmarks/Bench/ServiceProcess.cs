using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// One <c>maintenance serve</c> child process (the built Host) with its own environment, listening on a free
/// loopback port; its console output goes to a log file, one line per log entry with a timestamp.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _logClosed;

    private ServiceProcess(string name, Process process, StreamWriter log, string logPath, Uri baseAddress)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public string LogPath { get; }

    public Uri BaseAddress { get; }

    /// <summary>Peak resident memory so far (VmHWM); null once the process has exited.</summary>
    public long? PeakResidentBytes => ProcessMemory.PeakResidentBytes(_process.Id);

    /// <summary>Starts <c>serve</c> with <paramref name="arguments"/> and <c>--urls</c> on a free port.</summary>
    public static ServiceProcess Start(MaintenanceExecutable executable, string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string logFolder)
    {
        ArgumentNullException.ThrowIfNull(executable);
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var (fileName, prefix) = (executable.FileName, executable.Prefix);
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = executable.Folder,
        };
        foreach (var argument in prefix.Concat(["serve"]).Concat(arguments).Concat(["--urls", baseAddress.AbsoluteUri.TrimEnd('/')]))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(logFolder);
        var logPath = Path.Combine(logFolder, name + ".log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        var child = new ServiceProcess(name, process, log, logPath, baseAddress);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName} for the {name} process.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Polls <c>/health</c> until it answers 200.</summary>
    /// <exception cref="InvalidOperationException">The process exited or stayed unhealthy: the message carries the end of its log.</exception>
    public async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var deadline = Stopwatch.StartNew();
        var health = new Uri(BaseAddress, "health");
        var last = "no answer yet";
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The {Name} process exited with code {_process.ExitCode} before it was healthy. End of {LogPath}:\n{LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync(health, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }

        throw new InvalidOperationException($"The {Name} process was not healthy at {health} within {timeout.TotalSeconds:F0}s (last: {last}). End of {LogPath}:\n{LogTail()}");
    }

    /// <summary>SIGTERM for a graceful stop, then a kill after 20 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                {
                    if (term is not null)
                    {
                        await term.WaitForExitAsync();
                    }
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        finally
        {
            _process.Dispose();
            lock (_logLock)
            {
                _logClosed = true;
                _log.Dispose();
            }
        }
    }

    public string LogTail(int lines = 30)
    {
        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.Flush();
            }
        }

        try
        {
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
