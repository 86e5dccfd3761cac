using System.Diagnostics;
using Maintenance.Testing;
using StackExchange.Redis;

namespace Maintenance.Host.Tests.Processes;

/// <summary>
/// The real executable: a configuration that cannot work is refused at once with what is missing, every command
/// stops within seconds on SIGTERM or Ctrl-C, and <c>--timeout</c> ends the wait with exit code 3.
/// </summary>
public sealed class CommandLifetimeTests(RabbitMqServer rabbitMq, PostgresServer postgres, RedisServer redis)
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Run_with_only_redis_configured_is_refused_at_once_naming_the_missing_settings()
    {
        await using var run = MaintenanceProcess.Start(["run"], new Dictionary<string, string?> { ["ConnectionStrings__Redis"] = "127.0.0.1:6379" });

        var exit = await run.WaitForExitAsync(Quickly);

        Assert.True(exit == 2, $"exit {exit}:\n{run.Output}");
        Assert.Contains("ConnectionStrings:Redis is set but ConnectionStrings:RabbitMq and ConnectionStrings:Postgres are not", Flat(run.Output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("orchestrator")]
    public async Task Serve_of_one_role_on_the_embedded_profile_is_refused(string role)
    {
        await using var serve = MaintenanceProcess.Start(["serve", "--role", role, "--urls", MaintenanceProcess.FreeLoopbackAddress().AbsoluteUri.TrimEnd('/')]);

        var exit = await serve.WaitForExitAsync(Quickly);

        Assert.True(exit == 2, $"exit {exit}:\n{serve.Output}");
        Assert.Contains($"the {role} role alone needs the distributed profile", Flat(serve.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_distributed_worker_without_a_market_data_source_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lease = await redis.LeaseDatabaseAsync(ct);
        var settings = await DistributedAsync(lease, ct);
        settings.Remove("MarketData__Source");
        await using var serve = MaintenanceProcess.Start(["serve", "--role", "worker", "--urls", MaintenanceProcess.FreeLoopbackAddress().AbsoluteUri.TrimEnd('/')], settings);

        var exit = await serve.WaitForExitAsync(Quickly);

        Assert.True(exit == 2, $"exit {exit}:\n{serve.Output}");
        Assert.Contains("MarketData:Source is not set: name FlatFiles, PolygonRest or FlatFilesThenRest", Flat(serve.Output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Run_waiting_for_a_run_nobody_works_on_stops_within_seconds_on_a_signal(string signal)
    {
        if (signal == "INT" && IgnoresSigint())
        {
            // The command is right to keep an inherited SIG_IGN (a background job is not Ctrl-C's to stop).
            Assert.Skip("SIGINT is ignored by this test process (started as a background job without job control), so by the command it starts: Ctrl-C cannot reach it here");
        }

        var ct = TestContext.Current.CancellationToken;
        await using var lease = await redis.LeaseDatabaseAsync(ct);
        await using var run = MaintenanceProcess.Start(["run", "--date", "2025-12-04"], await DistributedAsync(lease, ct));
        await WaitForAsync(run, "on the distributed profile");

        var clock = Stopwatch.StartNew();
        run.Signal(signal);
        var exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed.TotalSeconds:F1} s:\n{run.Output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Contains("stopped by a signal", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_gives_up_after_its_timeout_with_exit_code_3_and_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lease = await redis.LeaseDatabaseAsync(ct);
        await using var run = MaintenanceProcess.Start(["run", "--date", "2025-12-04", "--timeout", "5s"], await DistributedAsync(lease, ct));

        var exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 3, $"exit {exit}:\n{run.Output}");
        Assert.Contains("gave up waiting: the maintenance of 2025-12-04 did not finish within 0:00:05", Flat(run.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_stops_within_seconds_on_SIGTERM()
    {
        var address = MaintenanceProcess.FreeLoopbackAddress();
        await using var serve = MaintenanceProcess.Start(["serve", "--urls", address.AbsoluteUri.TrimEnd('/')], new Dictionary<string, string?>
        {
            ["Maintenance__Schedule__Enabled"] = "false",
        });
        var healthy = await MaintenanceProcess.WaitForHealthAsync(address, System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(90));
        Assert.True(healthy.Status == System.Net.HttpStatusCode.OK, $"{healthy.Status} {healthy.Body}\n{serve.Output}");

        var clock = Stopwatch.StartNew();
        serve.Signal("TERM");
        var exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit is not null, $"still running after 20 s:\n{serve.Output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_second_embedded_run_and_redis_cli_see_the_keys_the_first_run_wrote()
    {
        var settings = new Dictionary<string, string?> { ["MarketData__SampleTickers"] = "20" };
        await using var first = MaintenanceProcess.Start(["run", "--date", "2025-12-04"], settings);
        var firstExit = await first.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(firstExit == 0, $"exit {firstExit}:\n{first.Output}");

        // What a person with redis-cli sees after the run: the embedded Redis, started again on its folder.
        using (var garnet = EmbeddedRedisServer.Start(Path.Combine(first.Folder, ".maintenance", "garnet")))
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
            var db = connection.GetDatabase();
            Assert.Equal("2025-12-04", (string?)await db.StringGetAsync("maintenance:last_run"));
            Assert.True(await db.HashLengthAsync("atr:daily") > 0, "atr:daily is empty");
            Assert.True(await db.SetLengthAsync("ticker:universe") > 0, "ticker:universe is empty");
        }

        await using var second = MaintenanceProcess.Start(["run", "--date", "2025-12-04"], settings, first.Folder);
        var secondExit = await second.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(secondExit == 0, $"exit {secondExit}:\n{second.Output}");
    }

    private async Task<Dictionary<string, string?>> DistributedAsync(RedisLease lease, CancellationToken ct) => new()
    {
        ["ConnectionStrings__RabbitMq"] = (await rabbitMq.CreateVirtualHostAsync(ct)).ToString(),
        ["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync(ct),
        ["ConnectionStrings__Redis"] = lease.ConnectionString,
        ["MarketData__Source"] = "FlatFiles",
    };

    private static async Task WaitForAsync(MaintenanceProcess process, string text)
    {
        var clock = Stopwatch.StartNew();
        while (!process.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, $"exited before '{text}':\n{process.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"no '{text}' within 60 s:\n{process.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Whether this process ignores SIGINT (bit 1 of SigIgn): a shell's background job without job control does.</summary>
    private static bool IgnoresSigint()
    {
        const string status = "/proc/self/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var ignored)
            && (ignored & 0b10) != 0;
    }

    /// <summary>Spectre wraps long lines at the console width; the checks read the text as one line.</summary>
    private static string Flat(string output) => string.Join(' ', output.Split('\n', StringSplitOptions.TrimEntries));
}
