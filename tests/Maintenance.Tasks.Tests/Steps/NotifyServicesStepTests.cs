using System.Text.Json;
using System.Threading.Channels;
using Maintenance.Contracts;
using Maintenance.Data.Redis;
using Maintenance.Tasks.Common;
using Maintenance.Tasks.NotifyServices;
using Maintenance.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Maintenance.Tasks.Tests.Steps;

/// <summary>The notification step called directly (no bus) against an in-process Garnet.</summary>
public sealed class NotifyServicesStepTests : IAsyncLifetime
{
    private static readonly DateOnly Target = new(2025, 12, 1);
    private static readonly DateTimeOffset RunAt = new(2025, 12, 2, 8, 0, 5, TimeSpan.Zero);

    private EmbeddedGarnet _garnet = null!;
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync()
    {
        _garnet = await EmbeddedGarnet.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task With_every_output_in_place_it_marks_the_day_executed_moves_last_run_and_announces_it()
    {
        var db = _redis.GetDatabase();
        await db.HashSetAsync(RedisKeys.AtrDaily, [new HashEntry("AAPL", "{}"), new HashEntry("MSFT", "{}")]);
        await db.HashSetAsync("rvol:hist:avg:AAPL:5", [new HashEntry("0", "10")]);
        await db.StringSetAsync("metadata:ticker:AAPL", "{}");
        await db.SetAddAsync(RedisKeys.TickerUniverse, ["AAPL"]);
        await db.StringSetAsync(RedisKeys.LastRun, "2025-11-28");
        var heard = Channel.CreateUnbounded<string>();
        await _redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("maintenance:completed"), (_, message) => heard.Writer.TryWrite(message.ToString()));

        var result = await Step().RunAsync(Command(new()
        {
            ["calculate-atr.redis_fields"] = 2,
            ["calculate-rvol.keys_present"] = 1,
            ["sync-redis.metadata_keys_in_redis"] = 1,
            ["sync-redis.universe"] = 1,
        }), StepProgress.None, TestContext.Current.CancellationToken);

        Assert.True(result.Validation.Passed, result.Validation.Verdict);
        Assert.Equal("1", (string?)await db.StringGetAsync("maintenance:executed:2025-12-01"));
        var ttl = await db.KeyTimeToLiveAsync("maintenance:executed:2025-12-01");
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        Assert.Equal("2025-12-01", (string?)await db.StringGetAsync(RedisKeys.LastRun));
        using var announcement = JsonDocument.Parse(await heard.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal("maintenance_completed", announcement.RootElement.GetProperty("event").GetString());
        Assert.Equal("2025-12-01", announcement.RootElement.GetProperty("date").GetString());
        Assert.Equal(RunAt, DateTimeOffset.Parse(announcement.RootElement.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, result.Metrics["atr_daily_fields"]);
    }

    [Fact]
    public async Task Output_lost_after_its_step_wrote_it_fails_the_step_naming_it_and_nothing_is_announced()
    {
        var db = _redis.GetDatabase();
        await db.StringSetAsync(RedisKeys.LastRun, "2025-11-28");
        await db.SetAddAsync(RedisKeys.TickerUniverse, ["AAPL"]);

        var result = await Step().RunAsync(Command(new()
        {
            ["calculate-atr.redis_fields"] = 9938,
            ["sync-redis.universe"] = 1,
        }), StepProgress.None, TestContext.Current.CancellationToken);

        Assert.False(result.Validation.Passed);
        Assert.Equal("output missing, nothing announced: atr:daily holds 0, calculate-atr wrote 9938", result.Validation.Verdict);
        Assert.False(await db.KeyExistsAsync("maintenance:executed:2025-12-01"));
        Assert.Equal("2025-11-28", (string?)await db.StringGetAsync(RedisKeys.LastRun));
    }

    [Fact]
    public async Task A_backfill_of_an_older_date_never_moves_last_run_back()
    {
        var db = _redis.GetDatabase();
        await db.StringSetAsync(RedisKeys.LastRun, "2025-12-05");

        var result = await Step().RunAsync(Command([]), StepProgress.None, TestContext.Current.CancellationToken);

        Assert.True(result.Validation.Passed, result.Validation.Verdict);
        Assert.Equal("2025-12-05", (string?)await db.StringGetAsync(RedisKeys.LastRun));
        Assert.Equal("1", (string?)await db.StringGetAsync("maintenance:executed:2025-12-01"));
    }

    private NotifyServicesStep Step() => new(new RedisStore(_redis, NullLogger<RedisStore>.Instance), new FakeTimeProvider(RunAt));

    private static RunMaintenanceStep Command(Dictionary<string, double> expected) =>
        new(Guid.NewGuid(), Target, 1, MaintenanceStep.NotifyServices, Expected: expected);
}
