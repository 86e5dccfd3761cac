using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Orchestrator.Schedule;
using Maintenance.Orchestrator.Tests.Support;
using Maintenance.Testing;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using Quartz.Extensibility;

namespace Maintenance.Orchestrator.Tests;

/// <summary>The 03:00 America/New_York schedule on trading days, its job, and the start-up catch-up with a fake clock.</summary>
public sealed class ScheduleTests(PostgresServer postgres, RabbitMqServer rabbitMq, RedisServer redis)
    : DistributedTest(postgres, rabbitMq, redis)
{
    private static readonly TradingCalendar Nyse = TradingCalendar.Nyse;

    [Fact]
    public void The_quartz_cron_with_the_holiday_calendar_fires_exactly_at_the_calendars_maintenance_times()
    {
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2027, 12, 31, 23, 0, 0, TimeSpan.Zero);
        var trigger = DailySchedule.Trigger(from, new FakeTimeProvider(from));

        var quartz = TriggerFireTimes.ComputeBetween(trigger, new TradingDayCalendar(Nyse), from, to).ToList();
        var expected = new List<DateTimeOffset>();
        for (var next = Nyse.NextMaintenanceAfter(from); next.FireAt <= to; next = Nyse.NextMaintenanceAfter(next.FireAt))
        {
            expected.Add(next.FireAt);
        }

        Assert.Equal(expected.Select(t => t.UtcDateTime), quartz.Select(t => t.UtcDateTime));
        Assert.Equal(Nyse.TradingDays(new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31)).Count(), quartz.Count(t => t.Year == 2025));
    }

    [Theory]
    [InlineData("2025-03-07T08:00:00Z")] // Friday before the DST change: 03:00 EST
    [InlineData("2025-03-10T07:00:00Z")] // Monday after it: 03:00 EDT
    [InlineData("2025-11-28T08:00:00Z")] // the day after Thanksgiving is a trading day (early close)
    [InlineData("2025-12-26T08:00:00Z")]
    public void The_schedule_fires_on_trading_days_at_three_new_york_time(string instant)
    {
        var fire = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
        var fires = QuartzFires(fire.AddDays(-1), fire.AddHours(1));

        Assert.Contains(fire, fires);
    }

    [Theory]
    [InlineData("2025-01-09")] // national day of mourning (President Carter)
    [InlineData("2025-11-27")] // Thanksgiving
    [InlineData("2025-12-25")] // Christmas
    [InlineData("2025-12-06")] // Saturday
    public void The_schedule_never_fires_on_a_closed_day(string date)
    {
        var day = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        var start = TradingCalendar.AtNewYork(day, TimeOnly.MinValue);

        Assert.Empty(QuartzFires(start, start.AddDays(1).AddMinutes(-1)));
    }

    [Fact]
    public async Task The_daily_job_starts_the_previous_trading_day_once_and_the_live_trigger_agrees_with_next_run()
    {
        var workers = await StartWorkersAsync();
        var orchestrator = await StartOrchestratorAsync(new() { ["Maintenance:Schedule:Enabled"] = "true", ["Maintenance:Schedule:CatchUp"] = "false" });
        var scheduler = await orchestrator.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);

        var trigger = await scheduler.GetTrigger(DailySchedule.TriggerKey, TestContext.Current.CancellationToken);
        Assert.Equal(Nyse.NextMaintenanceAfter(DateTimeOffset.UtcNow).FireAt, trigger!.NextFireTimeUtc);

        var due = Nyse.LatestMaintenanceAtOrBefore(DateTimeOffset.UtcNow);
        await scheduler.TriggerJob(DailySchedule.JobKey, TestContext.Current.CancellationToken);
        var started = await workers.Events.StartedAsync(RunIds.ForDate(due.TargetDate));
        await workers.Events.CompletedAsync(started.RunId);
        await scheduler.TriggerJob(DailySchedule.JobKey, TestContext.Current.CancellationToken);
        await Task.Delay(1500, TestContext.Current.CancellationToken);

        Assert.Equal((due.TargetDate, MaintenanceRun.Scheduler, 1), (started.TargetDate, started.RequestedBy, started.Attempt));
        Assert.Single(workers.Events.Started);
        Assert.Equal(1, (await orchestrator.LoadRunAsync(due.TargetDate))!.Attempt);
    }

    [Theory]
    [InlineData("2025-12-08T02:00:00-05:00", "2025-12-04")] // Monday before 03:00: Friday's run (for Thursday) is the latest due
    [InlineData("2025-12-08T03:00:00-05:00", "2025-12-05")] // Monday at 03:00: Monday's run (for Friday)
    [InlineData("2025-11-27T10:00:00-05:00", "2025-11-25")] // Thanksgiving: Wednesday's run (for Tuesday)
    [InlineData("2025-12-27T12:00:00-05:00", "2025-12-24")] // Saturday after Christmas: Friday's run (for Wednesday the 24th)
    public async Task The_catch_up_starts_the_latest_due_maintenance_when_its_date_has_no_run(string now, string target)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        var host = await StartAsync(Setup(saga: true, workers: true) with { Clock = clock });
        var catchUp = ActivatorUtilities.CreateInstance<MissedRunCatchUp>(host.Services);
        var date = TestOrchestrator.Date(target);

        Assert.True(await catchUp.CatchUpAsync(TestContext.Current.CancellationToken));
        var completed = await host.Events.CompletedAsync(RunIds.ForDate(date));

        Assert.True(completed.Succeeded);
        Assert.Equal(MaintenanceRun.Scheduler, host.Events.Started.Single().RequestedBy);
        Assert.False(await catchUp.CatchUpAsync(TestContext.Current.CancellationToken));
        Assert.Single(host.Events.Started);
    }

    [Fact]
    public async Task Two_replicas_catching_up_at_once_make_one_run()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 12, 9, 9, 30, 0, TimeSpan.FromHours(-5)));
        var workers = await StartWorkersAsync();
        var replicaA = await StartAsync(Setup(saga: true, workers: false) with { Clock = clock });
        var replicaB = await StartAsync(Setup(saga: true, workers: false) with { Clock = clock });
        var catchUpA = ActivatorUtilities.CreateInstance<MissedRunCatchUp>(replicaA.Services);
        var catchUpB = ActivatorUtilities.CreateInstance<MissedRunCatchUp>(replicaB.Services);

        await Task.WhenAll(catchUpA.CatchUpAsync(TestContext.Current.CancellationToken), catchUpB.CatchUpAsync(TestContext.Current.CancellationToken));
        await workers.Events.CompletedAsync(RunIds.ForDate(new DateOnly(2025, 12, 8)));
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        Assert.Single(workers.Events.Started);
        Assert.Single(workers.Events.Completed);
        Assert.Equal(9, workers.Script.Received.Count);
        Assert.Equal(1, await replicaA.CountRunsAsync());
    }

    private static List<DateTimeOffset> QuartzFires(DateTimeOffset from, DateTimeOffset to) =>
        TriggerFireTimes.ComputeBetween(DailySchedule.Trigger(from.AddDays(-7), new FakeTimeProvider(from.AddDays(-7))), new TradingDayCalendar(Nyse), from, to).ToList();
}
