using System.Diagnostics;
using Maintenance.Contracts;
using Maintenance.Data.Redis;
using Maintenance.Host.Running;
using Maintenance.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Maintenance.Host.Tests.Running;

/// <summary>
/// <c>run</c> whose end event never comes (a broker restart deleted its temporary queue before the saga published it):
/// the status key says the run ended, so the wait ends with the status's verdict instead of the timeout.
/// </summary>
public sealed class LostEndEventTests(RedisServer redis)
{
    private static readonly DateOnly Date = new(2026, 11, 25);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_status_key_ends_the_wait_when_the_end_event_is_lost(bool allSuccess)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lease = await redis.LeaseDatabaseAsync(ct);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(lease.ConnectionString);
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var runner = await RunnerAsync(provider, connection);
        var now = DateTimeOffset.UtcNow;
        var status = $$$"""{"date":"2026-11-25","started_at":"{{{now.AddSeconds(1):O}}}","completed_at":"{{{now.AddSeconds(20):O}}}","duration_seconds":19,"all_success":{{{(allSuccess ? "true" : "false")}}},"tasks":{"load_ohlc":"success"}}""";
        await connection.GetDatabase().StringSetAsync(RedisKeys.MaintenanceStatus(Date), status);

        var clock = Stopwatch.StartNew();
        var outcome = await runner.RunAsync(new StartMaintenance(Date, "cli"), _ => { }, TimeSpan.FromMinutes(1), ct);

        Assert.InRange(clock.Elapsed, MaintenanceRunner.EventGrace, TimeSpan.FromSeconds(30));
        Assert.Equal(allSuccess, outcome.Succeeded);
        Assert.Equal(now.AddSeconds(20), outcome.EndedAt);
        if (!allSuccess)
        {
            Assert.StartsWith("ended with failed or skipped steps", outcome.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_earlier_attempts_end_in_the_status_key_does_not_end_the_wait()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lease = await redis.LeaseDatabaseAsync(ct);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(lease.ConnectionString);
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var runner = await RunnerAsync(provider, connection);
        var before = DateTimeOffset.UtcNow.AddHours(-1);
        var status = $$$"""{"date":"2026-11-25","started_at":"{{{before:O}}}","completed_at":"{{{before.AddMinutes(5):O}}}","all_success":true,"tasks":{}}""";
        await connection.GetDatabase().StringSetAsync(RedisKeys.MaintenanceStatus(Date), status);

        await Assert.ThrowsAsync<TimeoutException>(() => runner.RunAsync(new StartMaintenance(Date, "cli"), _ => { }, TimeSpan.FromSeconds(15), ct));
    }

    /// <summary>A <c>run</c> on a bus where nobody answers: its end event can only be lost.</summary>
    private static async Task<MaintenanceRunner> RunnerAsync(IServiceProvider provider, ConnectionMultiplexer connection)
    {
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return new MaintenanceRunner(harness.Bus, new RunOutcomes(), new RunStatus(connection), new RunProgress());
    }
}
