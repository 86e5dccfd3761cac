using System.Globalization;
using Maintenance.Contracts;
using Maintenance.Host.Commands;
using Maintenance.Host.Running;
using Maintenance.Orchestrator.Persistence;
using Maintenance.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace Maintenance.Host.Tests.EndToEnd;

/// <summary>
/// A peer publishes StartMaintenance on RabbitMQ for a day that may not be maintained; the orchestrator and real
/// workers are running. The saga refuses it with MaintenanceRejected, makes no run, and the live scanner keys stay.
/// </summary>
public sealed class RejectedStartTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq)
{
    private static readonly string[] LiveKeys = ["realtime:AAPL", "scanner:category:gappers", "snapshot:polygon:AAPL"];

    [Theory]
    [InlineData("2025-11-30", "2025-11-30 is not a trading day (Sunday)")]
    [InlineData("2027-06-15", "2027-06-15 has no complete data yet: the latest day that can be maintained is ")]
    [InlineData("1989-12-29", "1989-12-29 is before 1990-01-01, the start of the trading calendar")]
    public async Task A_start_out_of_the_rules_is_rejected_on_the_bus_and_the_live_keys_are_kept(string date, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var profile = await DistributedProfile.StartAsync(postgres, redis, rabbitMq, 20, ct);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(profile.RedisConnection);
        var db = connection.GetDatabase();
        foreach (var key in LiveKeys)
        {
            await db.StringSetAsync(key, "live");
        }

        var targetDate = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var outcome = await profile.RunAsync(new StartMaintenance(targetDate, "python-peer"), TimeSpan.FromMinutes(1), ct);
        // Time for a wrongly sent clear-caches to have arrived and run.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("refused by the orchestrator: " + reason, outcome.Reason, StringComparison.Ordinal);
        foreach (var key in LiveKeys)
        {
            Assert.Equal("live", (string?)await db.StringGetAsync(key));
        }

        await using var sql = new NpgsqlConnection(profile.Database);
        await sql.OpenAsync(ct);
        await using var runs = new NpgsqlCommand($"select count(*) from {SagaDbContext.RunsTable}", sql);
        Assert.Equal(0L, await runs.ExecuteScalarAsync(ct));
    }
}
