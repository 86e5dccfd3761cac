using System.ComponentModel;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Host.Commands;

public sealed class SampleDataCommand : AsyncCommand<SampleDataCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <FOLDER>")]
        [Description("Where the flat files go (default: MarketData:FlatFilesPath, else .maintenance/flatfiles).")]
        public string? Out { get; init; }

        [CommandOption("--from <DATE>")]
        [Description("First day, yyyy-MM-dd (default: 60 trading days before --to).")]
        public string? From { get; init; }

        [CommandOption("--to <DATE>")]
        [Description("Last day, yyyy-MM-dd (default: the previous trading day).")]
        public string? To { get; init; }

        [CommandOption("--tickers <N>")]
        [Description("Universe size (default 500; 11000 is a full US-market day).")]
        public int Tickers { get; init; } = SampleMarket.DefaultTickers;

        [CommandOption("--seed <N>")]
        public int Seed { get; init; } = SampleMarket.DefaultSeed;

        [CommandOption("--overwrite")]
        [Description("Rewrite days whose files already exist.")]
        public bool Overwrite { get; init; }

        public override ValidationResult Validate()
        {
            if (Tickers is < 1 or > 100_000)
            {
                return ValidationResult.Error($"--tickers must be between 1 and 100000, got {Tickers}.");
            }

            return SettingsCheck.Of(() => SettingsCheck.Ordered(Range()));
        }

        public (DateOnly From, DateOnly To) Range()
        {
            var calendar = TradingCalendar.Nyse;
            var to = To is null ? calendar.PreviousTradingDay(RunCommand.TodayInNewYork(TimeProvider.System)) : DateArgument.Parse(To, "--to");
            var from = From is null ? calendar.AddTradingDays(calendar.IsTradingDay(to) ? to : calendar.PreviousTradingDay(to), -59) : DateArgument.Parse(From, "--from");
            return (from, to);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (from, to) = settings.Range();
        var configuration = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().Build();
        var folder = settings.Out ?? configuration["MarketData:FlatFilesPath"] ?? ".maintenance/flatfiles";
        AnsiConsole.MarkupLine($"writing sample flat files for {settings.Tickers} tickers, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}, seed {settings.Seed}, into {Path.GetFullPath(folder)}");
        var progress = new Progress<SampleDayWritten>(d =>
            AnsiConsole.MarkupLine($"  {d.Day:yyyy-MM-dd}: {d.Tickers} tickers, {d.MinuteBars:N0} minute bars in {d.Elapsed.TotalSeconds:F2}s"));
        var result = await SampleMarket.WriteAsync(folder, from, to, settings.Tickers, settings.Seed, TradingCalendar.Nyse, settings.Overwrite, progress, cancellationToken);
        AnsiConsole.MarkupLine($"[green]{result.DaysWritten} days written[/], {result.DaysKept} kept; {result.DailyBars:N0} daily bars, {result.MinuteBars:N0} minute bars");
        return 0;
    }
}
