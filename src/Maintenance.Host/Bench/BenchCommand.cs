using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Maintenance.Core;
using Maintenance.Data.MarketData;
using Maintenance.MarketData.Sample;
using Maintenance.Host.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Host.Bench;

/// <summary>
/// A full market day end to end on the distributed profile: sample flat files, an orchestrator and workers as
/// separate processes on real RabbitMQ, PostgreSQL and Redis, one maintenance from an empty database and its re-run,
/// then the floors of the same work, all in one table. Run it built with <c>-c Release</c>.
/// </summary>
public sealed class BenchCommand : AsyncCommand<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--tickers <N>")]
        [Description("Tickers in the sample market (default 11000, the US market).")]
        public int Tickers { get; init; } = 11_000;

        [CommandOption("--days <N>")]
        [Description("Trading days of daily bars ending at the target day, also the ATR lookback given to the workers (default 60).")]
        public int Days { get; init; } = 60;

        [CommandOption("--minute-days <N>")]
        [Description("Last trading days that have minute bars (default 6; at least the RVOL lookback, 5).")]
        public int MinuteDays { get; init; } = 6;

        [CommandOption("--seed <N>")]
        [Description("Seed of the sample market.")]
        public int Seed { get; init; } = SampleMarket.DefaultSeed;

        [CommandOption("--date <DATE>")]
        [Description("Target trading day, yyyy-MM-dd (default: the last trading day before today in New York with a full session).")]
        public string? Date { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Where the sample files are kept and reused, and the services' logs written (default: <temp>/maintenance-bench).")]
        public string? Data { get; init; }

        [CommandOption("--workers <N>")]
        [Description("Worker processes, each serving every task (default 1).")]
        public int Workers { get; init; } = 1;

        [CommandOption("--database <NAME>")]
        [Description("PostgreSQL database the bench drops and creates on the configured server (default maintenance_bench).")]
        public string Database { get; init; } = "maintenance_bench";

        [CommandOption("--redis-db <N>")]
        [Description("Redis database the bench flushes and uses (default 15).")]
        public int RedisDatabase { get; init; } = 15;

        [CommandOption("--rabbitmq-management <URL>")]
        [Description("RabbitMQ management API, for a fresh virtual host (default: RabbitMq:ManagementUri, MAINTENANCE_TEST_RABBITMQ_MANAGEMENT, or port 15672 of the broker).")]
        public string? RabbitMqManagement { get; init; }

        [CommandOption("--json <PATH>")]
        [Description("Also write the results as JSON to this file.")]
        public string? Json { get; init; }

        [CommandOption("--timeout <MINUTES>")]
        [Description("Give up on a run after this many minutes (default 30).")]
        public int TimeoutMinutes { get; init; } = 30;

        public override ValidationResult Validate()
        {
            try
            {
                _ = TargetDate();
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);
            }

            return Tickers < 1 ? ValidationResult.Error("--tickers must be 1 or more.")
                : Days is < 16 or > 400 ? ValidationResult.Error("--days must be between 16 (the ATR period 14 needs 15 bars) and 400.")
                : MinuteDays < 5 || MinuteDays > Days ? ValidationResult.Error("--minute-days must be at least 5 (the RVOL lookback) and at most --days.")
                : Workers is < 1 or > 16 ? ValidationResult.Error("--workers must be between 1 and 16.")
                : RedisDatabase is < 0 or > 15 ? ValidationResult.Error("--redis-db must be between 0 and 15.")
                : TimeoutMinutes < 1 ? ValidationResult.Error("--timeout must be 1 minute or more.")
                : ValidationResult.Success();
        }

        public DateOnly TargetDate()
        {
            var calendar = TradingCalendar.Nyse;
            if (Date is null)
            {
                // A full session, so the minute file has a whole day's bars (the day after Thanksgiving closes at 13:00).
                var day = calendar.PreviousTradingDay(RunCommand.TodayInNewYork());
                while (calendar.Session(day).IsEarlyClose)
                {
                    day = calendar.PreviousTradingDay(day);
                }

                return day;
            }

            var date = DateArgument.Parse(Date, "--date");
            return calendar.IsTradingDay(date) ? date : throw new ArgumentException($"--date {date:yyyy-MM-dd} is not an NYSE trading day.");
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Console.IsOutputRedirected)
        {
            // A log file or CI output has no width of its own: keep each table row on one line.
            AnsiConsole.Profile.Width = 220;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        BenchServers servers;
        try
        {
            servers = BenchServers.FromConfiguration(configuration, settings.RabbitMqManagement);
        }
        catch (InvalidOperationException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 2;
        }

        var root = Path.GetFullPath(settings.Data ?? Path.Combine(Path.GetTempPath(), "maintenance-bench"));
        var target = settings.TargetDate();
        Say($"sample data for {settings.Tickers:N0} tickers, {settings.Days} days to {target:yyyy-MM-dd}, minute bars for the last {settings.MinuteDays}");
        var (data, daysWritten, sampleTime) = await BenchSampleData.EnsureAsync(root, target, settings.Tickers, settings.Days, settings.MinuteDays, settings.Seed, cancellationToken);
        Say(daysWritten == 0 ? $"reusing {data.Layout.Root}" : $"wrote {daysWritten} days in {sampleTime.TotalSeconds:F1}s to {data.Layout.Root}");

        var logs = Path.Combine(root, "logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var serviceSettings = ServiceSettings(settings);
        var runs = new List<(MeasuredRun Run, double? LoadBefore, double? LoadAfter)>();
        var memory = new List<ProcessPeak>();
        Floors floors;
        double? floorsLoadBefore, floorsLoadAfter;
        await using (var infrastructure = await BenchInfrastructure.CreateAsync(servers, settings.Database, settings.RedisDatabase, cancellationToken))
        {
            Say($"empty database {settings.Database}, Redis database {settings.RedisDatabase} flushed, RabbitMQ {Redact(infrastructure.RabbitMq)}");
            await RunServicesAsync(settings, data, infrastructure, serviceSettings, logs, runs, memory, cancellationToken);
            Say("measuring the floors");
            floorsLoadBefore = MachineLoad.OneMinute();
            try
            {
                floors = await Floors.MeasureAsync(data, infrastructure.Postgres, infrastructure.Redis, step => Say("  " + step), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The runs' figures stand without them; the table just has no ratios.
                AnsiConsole.MarkupLineInterpolated($"[red]measuring the floors failed: {e.Message}[/]");
                floors = Floors.None;
            }

            floorsLoadAfter = MachineLoad.OneMinute();
        }

        memory.Add(new ProcessPeak("bench (this process)", Environment.ProcessId, ProcessMemory.PeakResidentBytes(Environment.ProcessId)));
        var runReports = runs.Select((r, i) => BenchReport.Run(i == 0 ? "first run, empty database" : "re-run", r.Run, r.LoadBefore, r.LoadAfter, floors)).ToList();
        var minuteFile = data.Layout.FindMinuteAggregates(target);
        var report = new BenchReport(
            DateTimeOffset.UtcNow,
            new BenchShape(settings.Tickers, settings.Days, settings.MinuteDays, settings.Seed, target, settings.Workers, Environment.ProcessorCount),
            new SampleReport(data.Layout.Root, daysWritten, sampleTime.TotalSeconds, minuteFile is null ? 0 : new FileInfo(minuteFile).Length),
            serviceSettings.Where(s => s.Key.StartsWith("Tasks__", StringComparison.Ordinal) || s.Key.StartsWith("Maintenance__", StringComparison.Ordinal) || s.Key.StartsWith("MarketData__", StringComparison.Ordinal))
                .ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => s.Value, StringComparer.Ordinal),
            runReports,
            floors.Measures,
            floorsLoadBefore,
            floorsLoadAfter,
            memory,
            BenchReport.Check(runReports, memory));
        report.Print();
        Say($"service logs in {logs}");
        if (settings.Json is not null)
        {
            await report.WriteJsonAsync(settings.Json, cancellationToken);
            Say($"JSON written to {Path.GetFullPath(settings.Json)}");
        }

        return runReports.Count == 2 && runReports.All(r => r.Succeeded) ? 0 : 1;
    }

    /// <summary>Starts the orchestrator and the workers, runs the maintenance twice, reads their peak memory, stops them.</summary>
    private static async Task RunServicesAsync(
        Settings settings,
        BenchSampleData data,
        BenchInfrastructure infrastructure,
        Dictionary<string, string> serviceSettings,
        string logs,
        List<(MeasuredRun Run, double? LoadBefore, double? LoadAfter)> runs,
        List<ProcessPeak> memory,
        CancellationToken ct)
    {
        var environment = new Dictionary<string, string>(serviceSettings, StringComparer.Ordinal)
        {
            ["ConnectionStrings__RabbitMq"] = infrastructure.RabbitMq,
            ["ConnectionStrings__Postgres"] = infrastructure.Postgres,
            ["ConnectionStrings__Redis"] = infrastructure.Redis,
            ["MarketData__FlatFilesPath"] = data.Layout.Root,
        };
        var services = new List<ServiceProcess>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var started = Stopwatch.StartNew();
            var orchestrator = ServiceProcess.Start("orchestrator", ["--role", "orchestrator"], environment, logs);
            services.Add(orchestrator);
            await orchestrator.WaitHealthyAsync(http, TimeSpan.FromMinutes(2), ct);
            for (var i = 1; i <= settings.Workers; i++)
            {
                services.Add(ServiceProcess.Start($"worker-{i.ToString(CultureInfo.InvariantCulture)}", ["--role", "worker"], environment, logs));
            }

            foreach (var worker in services.Skip(1))
            {
                await worker.WaitHealthyAsync(http, TimeSpan.FromMinutes(2), ct);
            }

            Say($"orchestrator (pid {orchestrator.Id}) and {settings.Workers} worker(s) ({string.Join(", ", services.Skip(1).Select(w => w.Id))}) healthy after {started.Elapsed.TotalSeconds:F1}s");

            await using var bus = await BenchBus.StartAsync(infrastructure.RabbitMq, ct);
            var timeout = TimeSpan.FromMinutes(settings.TimeoutMinutes);
            foreach (var name in new[] { "first run (empty database)", "re-run" })
            {
                Say($"{name}: StartMaintenance {data.TargetDay:yyyy-MM-dd}");
                var loadBefore = MachineLoad.OneMinute();
                var run = await bus.RunAsync(data.TargetDay, timeout, ct);
                runs.Add((run, loadBefore, MachineLoad.OneMinute()));
                Say($"{name}: {(run.Outcome.Succeeded ? "succeeded" : "FAILED: " + run.Outcome.Reason)} in {run.EndToEnd.TotalSeconds:F2}s");
            }
        }
        finally
        {
            foreach (var service in services)
            {
                memory.Add(new ProcessPeak(service.Name, service.Id, service.PeakResidentBytes));
            }

            foreach (var service in services.AsEnumerable().Reverse())
            {
                await service.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The services' configuration besides the connections. Tasks:RecoverMissingTickers:MaxPerRun is raised to the
    /// universe, so an empty database gets the whole market in one run (the default adds 5,000 a run); the
    /// metadata provider's rate limit is lifted because flat files answer at once (20 a second would time only the limiter).
    /// </summary>
    private static Dictionary<string, string> ServiceSettings(Settings settings) => new(StringComparer.Ordinal)
    {
        ["MarketData__Source"] = "FlatFiles",
        ["Maintenance__Schedule__Enabled"] = "false",
        ["Maintenance__Schedule__CatchUp"] = "false",
        ["Tasks__Atr__LookbackDays"] = settings.Days.ToString(CultureInfo.InvariantCulture),
        ["Tasks__RecoverMissingTickers__MaxPerRun"] = Math.Max(5000, settings.Tickers).ToString(CultureInfo.InvariantCulture),
        ["Tasks__EnrichMetadata__RateLimit"] = "1000000",
        ["MASSTRANSIT_USAGE_TELEMETRY"] = "false",
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
    };

    private static string Redact(string amqp) =>
        Uri.TryCreate(amqp, UriKind.Absolute, out var uri) ? $"{uri.Host}:{uri.Port}{uri.AbsolutePath}" : "(unparsable URI)";

    private static void Say(string line) =>
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]{DateTime.UtcNow:HH:mm:ss.fff}[/] {line}");
}
