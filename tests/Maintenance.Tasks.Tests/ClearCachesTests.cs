using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

public sealed class ClearCachesTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private static readonly DateOnly Target = SampleFiles.Target;

    /// <summary>The keys this service maintains and others it does not own: none may be touched.</summary>
    private static readonly string[] Kept =
    [
        "atr:daily", "rvol:hist:avg:AAPL:5", "metadata:ticker:AAPL", "ticker:universe", "maintenance:status:2025-03-11",
        "scanner:config", "scannerx:category:1", "realtimes", "snapshot:other:1",
    ];

    [Fact]
    public async Task Deletes_the_real_time_keys_by_the_default_patterns_counting_each_and_keeps_everything_else()
    {
        var worker = await StartWorkerAsync(Settings(), true, At(FridayNight), MaintenanceStep.ClearCaches);
        // More than one SCAN page of one pattern.
        await SeedAsync("scanner:category:", 2500);
        await SeedAsync("scanner:sequence:", 3);
        await SeedAsync("snapshot:polygon:", 7);
        await SeedAsync("realtime:", 11);
        await SeedAsync("", 0, Kept);

        var cleared = await RunAsync(worker, MaintenanceStep.ClearCaches, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.ClearCaches, false));

        Assert.Equal(2500, cleared.Metrics["deleted.scanner:category:*"]);
        Assert.Equal(3, cleared.Metrics["deleted.scanner:sequence:*"]);
        Assert.Equal(0, cleared.Metrics["deleted.scanner:filtered_complete:*"]);
        Assert.Equal(0, cleared.Metrics["deleted.snapshot:enriched:*"]);
        Assert.Equal(7, cleared.Metrics["deleted.snapshot:polygon:*"]);
        Assert.Equal(11, cleared.Metrics["deleted.realtime:*"]);
        Assert.Equal(2521, cleared.Metrics["deleted"]);
        Assert.Equal(0, cleared.Metrics["remaining"]);
        Assert.True(cleared.Validation.Passed, cleared.Validation.Verdict);
        Assert.Equal(Kept.Order(StringComparer.Ordinal), (await RedisDumpAsync("*")).Keys);
    }

    [Fact]
    public async Task Announces_the_new_trading_day_to_the_websocket_server_once_the_keys_are_gone()
    {
        var worker = await StartWorkerAsync(Settings(), true, At(FridayNight), MaintenanceStep.ClearCaches);
        await SeedAsync("snapshot:enriched:", 4);
        await using var listener = await ConnectionMultiplexer.ConnectAsync(RedisConnection);
        var received = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal("trading:new_day"), (_, message) =>
        {
            // When the subscriber hears it, the real-time keys must already be gone.
            var left = Redis.KeyExists("snapshot:enriched:0");
            received.Writer.TryWrite(left ? "keys still there: " + message : message.ToString());
        });

        var cleared = await RunAsync(worker, MaintenanceStep.ClearCaches, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.ClearCaches, false));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var message = await received.Reader.ReadAsync(timeout.Token);
        // The session the cleared caches make way for: Wednesday the 12th, after the target of Tuesday the 11th.
        Assert.Equal("""{"event":"new_trading_day","action":"clear_caches","date":"2025-03-12"}""", message);
        Assert.True(PlatformReaders.WebsocketServerClearsCaches(message));
        Assert.True(cleared.Metrics["new_day_listeners"] >= 1);
        Assert.Contains("trading:new_day 2025-03-12 published", cleared.Validation.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_finds_nothing_and_reports_skipped()
    {
        var worker = await StartWorkerAsync(Settings(), true, At(FridayNight), MaintenanceStep.ClearCaches);
        await SeedAsync("realtime:", 5);
        await SeedAsync("", 0, Kept);

        var first = await RunAsync(worker, MaintenanceStep.ClearCaches, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.ClearCaches, false));
        var second = await RunAsync(worker, MaintenanceStep.ClearCaches, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.ClearCaches, false));

        Assert.False(first.Skipped);
        Assert.True(second.Skipped, second.Validation.Verdict);
        Assert.Equal(0, second.Metrics["deleted"]);
        Assert.Equal(Kept.Order(StringComparer.Ordinal), (await RedisDumpAsync("*")).Keys);
    }

    [Fact]
    public async Task Configured_patterns_replace_the_defaults()
    {
        var settings = Settings();
        settings["Tasks:ClearCaches:Patterns:0"] = "session:*";
        var worker = await StartWorkerAsync(settings, true, At(FridayNight), MaintenanceStep.ClearCaches);
        await SeedAsync("session:", 4);
        await SeedAsync("realtime:", 2);

        var cleared = await RunAsync(worker, MaintenanceStep.ClearCaches, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.ClearCaches, false));

        Assert.Equal(4, cleared.Metrics["deleted"]);
        Assert.Equal(["realtime:0", "realtime:1"], (await RedisDumpAsync("*")).Keys);
    }

    [Fact]
    public async Task A_pattern_with_a_leading_wildcard_stops_the_worker_at_start()
    {
        var settings = Settings();
        settings["Tasks:ClearCaches:Patterns:0"] = "*";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartWorkerAsync(settings, true, At(FridayNight), MaintenanceStep.ClearCaches));

        Assert.Contains("Tasks:ClearCaches:Patterns: '*' must start with a literal prefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task During_the_market_session_nothing_is_deleted_and_the_step_says_why()
    {
        var worker = await StartWorkerAsync(Settings(), true, At(FridayMorning), MaintenanceStep.ClearCaches);
        await SeedAsync("realtime:", 5);
        await SeedAsync("scanner:category:", 3);

        var skipped = await RunAsync(worker, MaintenanceStep.ClearCaches, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.ClearCaches, true));

        Assert.True(skipped.Skipped);
        Assert.StartsWith("market session in progress", skipped.Validation.Verdict, StringComparison.Ordinal);
        Assert.Equal(0, skipped.Metrics["deleted"]);
        Assert.Equal(8, (await RedisDumpAsync("*")).Count);
    }

    [Fact]
    public async Task During_the_market_session_a_start_with_ForceClearCaches_clears_anyway()
    {
        var worker = await StartWorkerAsync(Settings(), true, At(FridayMorning), MaintenanceStep.ClearCaches);
        await SeedAsync("realtime:", 5);

        var cleared = await RunAsync(worker, MaintenanceStep.ClearCaches, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.ClearCaches, false, ForceClearCaches: true));

        Assert.False(cleared.Skipped);
        Assert.Equal(5, cleared.Metrics["deleted"]);
        Assert.Empty(await RedisDumpAsync("*"));
    }

    [Fact]
    public async Task A_Saturday_midday_has_no_session_and_the_keys_are_cleared()
    {
        var worker = await StartWorkerAsync(Settings(), true, At(new DateTimeOffset(2025, 12, 6, 16, 0, 0, TimeSpan.Zero)), MaintenanceStep.ClearCaches);
        await SeedAsync("realtime:", 2);

        var cleared = await RunAsync(worker, MaintenanceStep.ClearCaches, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.ClearCaches, false));

        Assert.Equal(2, cleared.Metrics["deleted"]);
    }

    // Friday 2025-12-05: 02:00 New York time (before the pre-market) and 10:00 (the session).
    private static readonly DateTimeOffset FridayNight = new(2025, 12, 5, 7, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FridayMorning = new(2025, 12, 5, 15, 0, 0, TimeSpan.Zero);

    /// <summary>The worker's clock, so the session guard does not depend on when the tests run.</summary>
    private static Action<IServiceCollection> At(DateTimeOffset now) => services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(now));

    private async Task SeedAsync(string prefix, int count, string[]? keys = null)
    {
        var batch = Redis.CreateBatch();
        var writes = (keys ?? Enumerable.Range(0, count).Select(i => prefix + i).ToArray())
            .Select(key => batch.StringSetAsync(key, "x"))
            .ToList();
        batch.Execute();
        await Task.WhenAll(writes);
    }
}
