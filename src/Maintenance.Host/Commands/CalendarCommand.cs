using System.ComponentModel;
using System.Globalization;
using Maintenance.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Host.Commands;

public sealed class CalendarCommand : Command<CalendarCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--from <DATE>")]
        [Description("First day, yyyy-MM-dd (default: January 1 of this year).")]
        public string? From { get; init; }

        [CommandOption("--to <DATE>")]
        [Description("Last day, yyyy-MM-dd (default: December 31 of the --from year).")]
        public string? To { get; init; }

        public override ValidationResult Validate()
        {
            return SettingsCheck.Of(() => SettingsCheck.Ordered(Range()));
        }

        public (DateOnly From, DateOnly To) Range()
        {
            var from = From is null ? new DateOnly(DateTime.UtcNow.Year, 1, 1) : DateArgument.Parse(From, "--from");
            var to = To is null ? new DateOnly(from.Year, 12, 31) : DateArgument.Parse(To, "--to");
            return (from, to);
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (from, to) = settings.Range();
        var output = Console.Out;
        output.WriteLine("date,kind,name");
        foreach (var entry in TradingCalendar.Nyse.Exceptions(from, to))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry.Date:yyyy-MM-dd},{entry.Kind},{Csv(entry.Name)}"));
        }

        return 0;
    }

    private static string Csv(string text) =>
        text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal)
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
}
