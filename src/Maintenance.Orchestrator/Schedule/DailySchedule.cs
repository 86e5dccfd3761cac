using Maintenance.Core;
using Quartz;

namespace Maintenance.Orchestrator.Schedule;

/// <summary>
/// Puts the daily maintenance into Quartz: cron <c>0 0 3 ? * MON-FRI</c> in America/New_York, modified by a calendar
/// that excludes the exchange's holidays, so it fires at 03:00 ET on trading days only (across DST).
/// </summary>
public sealed class DailySchedule(ISchedulerFactory schedulers, TradingCalendar calendar, ILogger<DailySchedule> log) : IHostedService
{
    public const string Cron = "0 0 3 ? * MON-FRI";
    public const string CalendarName = "nyse-trading-days";
    public static readonly JobKey JobKey = new("daily-maintenance", "maintenance");
    public static readonly TriggerKey TriggerKey = new("daily-maintenance", "maintenance");

    /// <param name="clock">What "now" is for Quartz's clamping of a start in the past; tests pass a clock set at <paramref name="startAt"/>.</param>
    public static ITrigger Trigger(DateTimeOffset startAt, TimeProvider? clock = null) => TriggerBuilder.Create(clock ?? TimeProvider.System)
        .WithIdentity(TriggerKey)
        .ForJob(JobKey)
        .StartAt(startAt)
        .WithCronSchedule(Cron, c => c.InTimeZone(TradingCalendar.NewYork).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
        .WithCalendarName(CalendarName)
        .Build();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.AddCalendar(CalendarName, new TradingDayCalendar(calendar), AddCalendarOptions.ReplacingAndUpdatingTriggers, cancellationToken);
        var job = JobBuilder.Create<DailyMaintenanceJob>().WithIdentity(JobKey).Build();
        await scheduler.ScheduleJob(job, [Trigger(DateTimeOffset.UtcNow)], ScheduleJobOptions.Replacing, cancellationToken);
        var trigger = await scheduler.GetTrigger(TriggerKey, cancellationToken);
        log.LogInformation("Daily maintenance scheduled ({Cron} America/New_York, trading days); next at {NextFireUtc:u}", Cron, trigger?.NextFireTimeUtc);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The 03:00 fire: start the maintenance of the trading day before the fire's day, unless that date has a run.</summary>
public sealed class DailyMaintenanceJob(ScheduledMaintenance maintenance, TradingCalendar calendar) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var fireAt = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var due = calendar.LatestMaintenanceAtOrBefore(fireAt);
        await maintenance.StartIfNoRunAsync(due, "cron", cancellationToken);
    }
}
