using System.Text;
using Maintenance.Core;
using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;
using Npgsql;
using RabbitMQ.Client;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

/// <summary>What the tasks do as consumers on the broker: bad messages, competing replicas, transient faults.</summary>
public sealed class BusBehaviourTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private static readonly DateOnly Target = SampleFiles.Target;

    protected override TestStores Stores => TestStores.Servers;

    protected override bool OverTheBus => true;

    [Fact]
    public async Task A_message_that_cannot_be_read_goes_to_the_error_queue_and_the_consumer_keeps_working()
    {
        var worker = await StartWorkerAsync(MaintenanceStep.LoadOhlc);
        await using var connection = await new ConnectionFactory { Uri = VirtualHost }.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
            await channel.BasicPublishAsync("", "load-ohlc", false, properties, Encoding.UTF8.GetBytes("{\"message\": {\"targetDate\": \"not a date"), TestContext.Current.CancellationToken);
        }

        BasicGetResult? faulted = null;
        for (var i = 0; i < 100 && faulted is null; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            faulted = await TryGetAsync(connection, "load-ohlc_error");
        }

        var loaded = await RunAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        Assert.NotNull(faulted);
        Assert.Contains("not a date", Encoding.UTF8.GetString(faulted.Body.Span), StringComparison.Ordinal);
        Assert.True(faulted.BasicProperties.Headers!.ContainsKey("MT-Fault-Message"));
        Assert.True(loaded.Validation.Passed, loaded.Validation.Verdict);
    }

    [Fact]
    public async Task Two_replicas_on_the_same_queues_answer_every_command_and_store_each_row_once()
    {
        var first = await StartWorkerAsync(MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots);
        await StartWorkerAsync(Settings(), false, MaintenanceStep.LoadOhlc, MaintenanceStep.LoadVolumeSlots);
        var commands = 4;

        var ohlcRuns = Enumerable.Range(0, commands).Select(_ => Guid.NewGuid()).ToList();
        foreach (var runId in ohlcRuns)
        {
            await first.SendAsync(MaintenanceStep.LoadOhlc, new RunMaintenanceStep(runId, Target, 1, MaintenanceStep.LoadOhlc, false));
        }

        var ohlc = await AnswersAsync(first, ohlcRuns);
        var slotRuns = Enumerable.Range(0, commands).Select(_ => Guid.NewGuid()).ToList();
        foreach (var runId in slotRuns)
        {
            await first.SendAsync(MaintenanceStep.LoadVolumeSlots, new RunMaintenanceStep(runId, Target, 1, MaintenanceStep.LoadVolumeSlots, false));
        }

        var slots = await AnswersAsync(first, slotRuns);

        Assert.All(ohlc, e => Assert.True(e.Validation.Passed, e.Validation.Verdict));
        Assert.All(slots, e => Assert.True(e.Validation.Passed, e.Validation.Verdict));
        var window = TradingCalendar.Nyse.TradingDays(Target.AddDays(-60), Target).TakeLast(SampleFiles.AtrLookbackDays);
        var expectedBars = window.Sum(day => FlatFileRows.Read(FlatFileRows.DayPath(Sample.Files, day)).Count(Expected.IsValidDailyBar));
        var lookback = TradingCalendar.Nyse.TradingDays(new DateOnly(2025, 3, 1), Target).TakeLast(5);
        var expectedSlots = lookback.Sum(day => Expected.Slots(FlatFileRows.Read(FlatFileRows.MinutePath(Sample.Files, day)), day).Sum(t => t.Value.Count));
        Assert.Equal([$"{expectedBars}|{expectedBars}"], await DumpAsync("SELECT count(*), count(DISTINCT (symbol, trading_date)) FROM daily_bars"));
        Assert.Equal([$"{expectedSlots}|{expectedSlots}"], await DumpAsync("SELECT count(*), count(DISTINCT (trading_date, symbol, slot)) FROM volume_slots"));
    }

    [Fact]
    public async Task A_transient_fault_is_retried_and_after_the_last_try_the_saga_is_told_and_the_message_kept()
    {
        var settings = Settings();
        // A database that does not exist: every try fails the way an unreachable server does.
        settings["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(Database) { Database = "no_such_database_" + Guid.NewGuid().ToString("N")[..8] }.ConnectionString;
        var worker = await StartWorkerAsync(settings, true, MaintenanceStep.LoadOhlc);

        var failed = await RunToFailureAsync(worker, MaintenanceStep.LoadOhlc, id => new RunMaintenanceStep(id, Target, 1, MaintenanceStep.LoadOhlc, false));

        Assert.True(failed.Retryable);
        Assert.Contains("does not exist", failed.Reason, StringComparison.Ordinal);
        await using var connection = await new ConnectionFactory { Uri = VirtualHost }.CreateConnectionAsync(TestContext.Current.CancellationToken);
        BasicGetResult? faulted = null;
        for (var i = 0; i < 50 && faulted is null; i++)
        {
            faulted = await TryGetAsync(connection, "load-ohlc_error");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.NotNull(faulted);
        // Two retries configured (Tasks:Retry:Intervals): three tries in all.
        Assert.Equal(2, Convert.ToInt32(faulted.BasicProperties.Headers!["MT-Fault-RetryCount"], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<List<MaintenanceStepCompleted>> AnswersAsync(TaskWorker worker, List<Guid> runIds)
    {
        var answers = new List<MaintenanceStepCompleted>();
        foreach (var runId in runIds)
        {
            answers.Add(await worker.Inbox!.CompletedAsync(runId));
        }

        return answers;
    }

    private static async Task<BasicGetResult?> TryGetAsync(IConnection connection, string queue)
    {
        // A fresh channel each time: asking for a queue that does not exist yet closes the channel.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            return await channel.BasicGetAsync(queue, true, TestContext.Current.CancellationToken);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The error queue is created by the first fault; until then the channel is closed by a 404.
            return null;
        }
    }
}
