using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace Maintenance.Host.Tests.Faults;

/// <summary>
/// The servers scripts/faults.sh started for the suite alone with <c>scripts/test.sh --servers-only</c>
/// (MAINTENANCE_FAULTS_OWN_SERVERS names the env file it wrote): stopping, pausing or restarting them disturbs no
/// other test. A server started again here replaces its PID in that file, so <c>--stop-servers</c> still stops it.
/// </summary>
internal sealed partial class OwnServers
{
    private readonly string _envFile;
    private readonly string _folder;

    private OwnServers(string envFile, string folder)
    {
        _envFile = envFile;
        _folder = folder;
    }

    /// <summary>The suite's own servers, or null when the suite runs on servers others use too.</summary>
    public static OwnServers? FromEnvironment()
    {
        var file = Environment.GetEnvironmentVariable("MAINTENANCE_FAULTS_OWN_SERVERS");
        if (string.IsNullOrEmpty(file) || !File.Exists(file))
        {
            return null;
        }

        var folder = File.ReadLines(file).Select(l => DirLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value
            ?? throw new InvalidOperationException($"{file} names no '# dir:' of the servers");
        return new OwnServers(file, folder);
    }

    /// <summary>SIGSTOP or SIGCONT to redis-server: it keeps its connections but answers nothing meanwhile.</summary>
    public async Task SignalRedisAsync(string signal) => await RunAsync("kill", ["-" + signal, Pid("redis").ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Stops redis-server and starts it again on the same port; it keeps nothing (no persistence), as in production without it.</summary>
    public async Task RestartRedisAsync()
    {
        var port = int.Parse(Environment.GetEnvironmentVariable("MAINTENANCE_TEST_REDIS")!.Split(':')[1], CultureInfo.InvariantCulture);
        var old = Process.GetProcessById(Pid("redis"));
        old.Kill();
        await old.WaitForExitAsync();
        var dir = Path.Combine(_folder, "redis");
        // Through sh so its output goes nowhere: a pipe to this test host would outlive it and hold `dotnet test` open.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec redis-server --bind 127.0.0.1 --port \"$1\" --databases 256 --save '' --appendonly no --dir \"$2\" --logfile \"$2/redis.log\" --daemonize no </dev/null >/dev/null 2>&1");
        start.ArgumentList.Add("redis");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(dir);
        using var redis = Process.Start(start)!;
        Remember("redis", redis.Id);
        await WaitForPortAsync(port);
    }

    /// <summary>A fast restart of the PostgreSQL cluster (every session ends; committed data stays).</summary>
    public async Task RestartPostgresAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Order(StringComparer.Ordinal).Last();
        var data = Path.Combine(_folder, "postgres", "data");
        string[] pgCtl = [Path.Combine(bin, "bin", "pg_ctl"), "-D", data, "-l", Path.Combine(_folder, "postgres", "postgres.log"), "-m", "fast", "-w", "-s", "restart"];
        await (Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", .. pgCtl]) : RunAsync(pgCtl[0], pgCtl[1..]));
        Remember("postgres", int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), CultureInfo.InvariantCulture));

        // This test process's own pooled sessions died with the old server (the fixture's, the fingerprint's).
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Stops (<c>stop_app</c>) or starts (<c>start_app</c>) the broker inside its node: listeners closed, every connection refused; durable queues and persistent messages kept.</summary>
    public async Task BrokerAsync(string command)
    {
        var cmdline = await File.ReadAllTextAsync($"/proc/{Pid("epmd")}/cmdline");
        var arguments = cmdline.Split('\0');
        var epmdPort = arguments[Array.IndexOf(arguments, "-port") + 1];
        var start = new ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmqctl") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(command);
        start.Environment["HOME"] = Path.Combine(_folder, "rabbitmq", "home");
        start.Environment["RABBITMQ_NODENAME"] = "rabbit@localhost";
        start.Environment["ERL_EPMD_PORT"] = epmdPort;
        start.Environment["PATH"] = "/usr/lib/rabbitmq/bin:" + Environment.GetEnvironmentVariable("PATH");
        await RunAsync(start);
    }

    private int Pid(string name)
    {
        var entry = PidsLine().Match(File.ReadAllText(_envFile)).Groups[1].Value.Split(' ')
            .Select(e => e.Split(':'))
            .FirstOrDefault(e => e[0] == name) ?? throw new InvalidOperationException($"{_envFile} records no {name} PID");
        return int.Parse(entry[1], CultureInfo.InvariantCulture);
    }

    private void Remember(string name, int pid)
    {
        var text = File.ReadAllText(_envFile);
        File.WriteAllText(_envFile, Regex.Replace(text, $@"\b{name}:\d+:", $"{name}:{pid.ToString(CultureInfo.InvariantCulture)}:"));
    }

    private static async Task WaitForPortAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
            }
        }
    }

    private static Task RunAsync(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return RunAsync(start);
    }

    private static async Task RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {await output}{await error}");
        }
    }

    [GeneratedRegex(@"^# dir: (.+)$")]
    private static partial Regex DirLine();

    [GeneratedRegex(@"(?m)^# pids: (.+)$")]
    private static partial Regex PidsLine();
}
