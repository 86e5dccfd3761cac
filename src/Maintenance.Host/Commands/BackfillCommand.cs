using System.ComponentModel;
using Maintenance.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Host.Commands;

public sealed class BackfillCommand : AsyncCommand<BackfillCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--from <DATE>")]
        [Description("First day, yyyy-MM-dd.")]
        public string? From { get; init; }

        [CommandOption("--to <DATE>")]
        [Description("Last day, yyyy-MM-dd (default: the previous trading day).")]
        public string? To { get; init; }

        [CommandOption("--force")]
        public bool Force { get; init; }

        [CommandOption("--in-process")]
        public bool InProcess { get; init; }

        [CommandOption("--keep-going")]
        [Description("Continue with the next day after a failed one.")]
        public bool KeepGoing { get; init; }

        public override ValidationResult Validate()
        {
            return SettingsCheck.Of(() => SettingsCheck.Ordered(Range()));
        }

        public (DateOnly From, DateOnly To) Range()
        {
            var from = DateArgument.Parse(From, "--from");
            var lastComplete = TradingCalendar.Nyse.PreviousTradingDay(RunCommand.TodayInNewYork(TimeProvider.System));
            var to = To is null ? lastComplete : DateArgument.Parse(To, "--to");
            if (to > lastComplete)
            {
                throw new ArgumentException($"--to {to:yyyy-MM-dd} is after the last complete trading day {lastComplete:yyyy-MM-dd}.");
            }

            return (from, to);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (from, to) = settings.Range();
        var days = TradingCalendar.Nyse.TradingDays(from, to).ToList();
        AnsiConsole.MarkupLine($"backfill of {days.Count} trading days, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}");
        using var host = await CommandHost.StartRunnerAsync(settings.InProcess, cancellationToken);
        var failed = 0;
        try
        {
            foreach (var day in days)
            {
                var outcome = await RunCommand.RunOneAsync(host, day, settings.Force, null, TimeSpan.FromHours(1), cancellationToken);
                if (!outcome.Succeeded)
                {
                    failed++;
                    if (!settings.KeepGoing)
                    {
                        AnsiConsole.MarkupLine($"[red]stopped at {day:yyyy-MM-dd}[/]; later days were not run (use --keep-going to continue past failures).");
                        return 1;
                    }
                }
            }
        }
        finally
        {
            // Bounded: a stop that hangs on an unreachable broker must not keep the command alive.
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(stopping.Token);
        }

        return failed == 0 ? 0 : 1;
    }
}
