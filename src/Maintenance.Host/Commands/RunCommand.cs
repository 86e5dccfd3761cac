using System.ComponentModel;
using System.Diagnostics;
using Maintenance.Contracts;
using Maintenance.Core;
using Maintenance.Host.Running;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Host.Commands;

public sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    public class Settings : CommandSettings
    {
        [CommandOption("--date <DATE>")]
        [Description("Target trading day, yyyy-MM-dd (default: the previous trading day in New York).")]
        public string? Date { get; init; }

        [CommandOption("--force")]
        [Description("Redo work that is already complete and valid.")]
        public bool Force { get; init; }

        [CommandOption("--force-clear-caches")]
        [Description("Clear the real-time caches even during the market session (04:00-20:00 New York time on a trading day), when scanners are filling them.")]
        public bool ForceClearCaches { get; init; }

        [CommandOption("--tasks <TASKS>")]
        [Description("Only these tasks, comma-separated queue names (default: all).")]
        public string? Tasks { get; init; }

        [CommandOption("--in-process")]
        [Description("On the distributed profile, also do the work in this process instead of only watching.")]
        public bool InProcess { get; init; }

        [CommandOption("--timeout <DURATION>")]
        [Description("Give up waiting after this long: minutes (60), or with a unit: 90s, 20m, 2h (default 60). Exit code 3.")]
        public string Timeout { get; init; } = "60";

        public override ValidationResult Validate()
        {
            return SettingsCheck.Of(() =>
            {
                _ = TargetDate();
                _ = StepList.Parse(Tasks, "--tasks");
                _ = TimeoutSpan();
            });
        }

        public TimeSpan TimeoutSpan() => DurationArgument.Parse(Timeout, "--timeout");

        /// <summary>The same rules as POST /trigger and the saga: a trading day with complete data.</summary>
        public DateOnly TargetDate()
        {
            if (Date is null)
            {
                return MaintenanceStartRules.LatestMaintainableDay(TradingCalendar.Nyse, DateTimeOffset.UtcNow);
            }

            var date = DateArgument.Parse(Date, "--date");
            return MaintenanceStartRules.Check(date, TradingCalendar.Nyse, DateTimeOffset.UtcNow) is { } refusal
                ? throw new ArgumentException($"--date {refusal}.")
                : date;
        }
    }

    public static DateOnly TodayInNewYork(TimeProvider clock) => TradingCalendar.NewYorkDate(clock.GetUtcNow());

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var host = await CommandHost.StartRunnerAsync(settings.InProcess, cancellationToken);
        try
        {
            var outcome = await RunOneAsync(host, settings.TargetDate(), settings.Force, settings.Tasks, settings.TimeoutSpan(), cancellationToken, settings.ForceClearCaches);
            return outcome.Succeeded ? 0 : 1;
        }
        finally
        {
            // Bounded: a stop that hangs on an unreachable broker must not keep the command alive.
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(stopping.Token);
        }
    }

    /// <summary>One run with live progress and its summary; shared by run and backfill.</summary>
    public static async Task<RunOutcome> RunOneAsync(IHost host, DateOnly date, bool force, string? tasks, TimeSpan timeout, CancellationToken cancellationToken, bool forceClearCaches = false)
    {
        var runner = host.Services.GetRequiredService<MaintenanceRunner>();
        var profile = host.Services.GetRequiredService<MaintenanceProfile>();
        var steps = string.IsNullOrWhiteSpace(tasks) ? null : StepList.Parse(tasks, "--tasks").Select(s => s.QueueName()).ToArray();
        var start = new StartMaintenance(date, "cli", force, steps, forceClearCaches);
        AnsiConsole.MarkupLine($"[bold]maintenance[/] {date:yyyy-MM-dd} on the {(profile.IsEmbedded ? "embedded" : "distributed")} profile ({profile.Transport}, {profile.Database}, {profile.Redis})");
        var clock = Stopwatch.StartNew();
        RunOutcome outcome;
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            outcome = await AnsiConsole.Progress().AutoClear(false).HideCompleted(false).Columns(RunProgressBars.Columns())
                .StartAsync(async context =>
                {
                    var bars = new RunProgressBars(context);
                    return await runner.RunAsync(start, bars.Update, timeout, cancellationToken);
                });
        }
        else
        {
            var seen = new Dictionary<MaintenanceStep, string>();
            outcome = await runner.RunAsync(start, live => PrintChanges(live, seen, clock.Elapsed), timeout, cancellationToken);
        }

        AnsiConsole.Write(RunReport.Summary(outcome));
        return outcome;
    }

    /// <summary>Without a terminal that redraws, one line per change of a step's state or progress.</summary>
    private static void PrintChanges(IReadOnlyDictionary<MaintenanceStep, StepLive> steps, Dictionary<MaintenanceStep, string> seen, TimeSpan elapsed)
    {
        foreach (var (step, live) in steps)
        {
            var line = RunReport.Line(step, live);
            if (!seen.TryGetValue(step, out var before) || before != line)
            {
                seen[step] = line;
                Console.WriteLine(FormattableString.Invariant($"[{elapsed.TotalSeconds,6:F1}s] {line}"));
            }
        }
    }
}
