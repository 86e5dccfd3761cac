// Longer than 250 lines: the bench command (not shipped): its options and the order of its cases.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Maintenance.Benchmarks.Bench.Rest;
using Maintenance.Core;
using Maintenance.MarketData.Sample;
using Microsoft.Extensions.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// A full market day end to end on the distributed profile: sample flat files, the built <c>maintenance</c> executable
/// as orchestrator and workers on real RabbitMQ, PostgreSQL and Redis, in a database, Redis database and virtual host
/// the bench creates for the run. Three cases on one database: the first run of D-1 from empty, then the next day D
/// (the 03:00 case), then its re-run; then the floors of the same work. Run it built with <c>-c Release</c>.
/// </summary>
public sealed class BenchCommand : AsyncCommand<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--tickers <N>")]
        [Description("Tickers in the sample market (default 11000, the US market).")]
        public int Tickers { get; init; } = 11_000;

        [CommandOption("--days <N>")]
        [Description("Trading days of daily bars a first run loads, also the ATR lookback given to the workers (default 60).")]
        public int Days { get; init; } = 60;

        [CommandOption("--minute-days <N>")]
        [Description("Last trading days that have minute bars (default 6; at least the RVOL lookback, 5).")]
        public int MinuteDays { get; init; } = 6;

        [CommandOption("--seed <N>")]
        [Description("Seed of the sample market.")]
        public int Seed { get; init; } = SampleMarket.DefaultSeed;

        [CommandOption("--date <DATE>")]
        [Description("The next day D, yyyy-MM-dd; the first run is of the trading day before it (default: the last trading day before today in New York with a full session).")]
        public string? Date { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Where the sample files are kept and reused, and the services' logs written (default: <temp>/maintenance-bench).")]
        public string? Data { get; init; }

        [CommandOption("--workers <N>")]
        [Description("Worker processes, each serving every task (default 1).")]
        public int Workers { get; init; } = 1;

        [CommandOption("--sample-only")]
        [Description("Only write (or check) the sample files of this shape, then exit: prepares a full-size bench ahead of time.")]
        public bool SampleOnly { get; init; }

        [CommandOption("--compare-workers <M>")]
        [Description("Then run the three cases again with M worker processes on a fresh database, back to back, and print the speed-up of each step (files only).")]
        public int? CompareWorkers { get; init; }

        [CommandOption("--database <NAME>")]
        [Description("PostgreSQL database the bench creates for the run; it must not exist (default: a fresh maintenance_bench_<id>).")]
        public string? Database { get; init; }

        [CommandOption("--redis-db <N>")]
        [Description("Redis database the bench claims for the run; it must be empty (default: the highest-numbered empty one).")]
        public int? RedisDatabase { get; init; }

        [CommandOption("--keep")]
        [Description("Leave the bench's database, Redis database and virtual host in place at the end, for inspection.")]
        public bool Keep { get; init; }

        [CommandOption("--maintenance <PATH>")]
        [Description("The maintenance executable to run as services: maintenance.dll, its apphost or their folder (default: src/Maintenance.Host built in the same configuration).")]
        public string? Maintenance { get; init; }

        [CommandOption("--rabbitmq-management <URL>")]
        [Description("RabbitMQ management API, for a fresh virtual host (default: RabbitMq:ManagementUri, MAINTENANCE_TEST_RABBITMQ_MANAGEMENT, or port 15672 of the broker).")]
        public string? RabbitMqManagement { get; init; }

        [CommandOption("--source <SOURCE>")]
        [Description("files (default): every day from flat files. rest: the next day D from a local stand-in for Polygon's REST API (history from files), as at 03:00 in production.")]
        public string Source { get; init; } = "files";

        [CommandOption("--also-rest")]
        [Description("With --source files: then the REST case too, on a fresh database (first run of D-1 from files, next day D from the stand-in), so one bench gives both.")]
        public bool AlsoRest { get; init; }

        [CommandOption("--rest-concurrency <N>")]
        [Description("With --source rest: MarketData:PolygonMaxConcurrency given to the workers (default: theirs, 8).")]
        public int? RestConcurrency { get; init; }

        [CommandOption("--steps-at-once <N>")]
        [Description("Maintenance:StepsAtOnce given to the orchestrator: 1 runs one step at a time, so each step's ratio is of its own work, without the cores shared with the steps beside it (default: no limit, the graph's waves).")]
        public int? StepsAtOnce { get; init; }

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
                : CompareWorkers is < 1 or > 16 ? ValidationResult.Error("--compare-workers must be between 1 and 16.")
                : CompareWorkers is not null && Source == "rest" ? ValidationResult.Error("--compare-workers runs with --source files only.")
                : RedisDatabase is < 0 ? ValidationResult.Error("--redis-db must be 0 or more.")
                : TimeoutMinutes < 1 ? ValidationResult.Error("--timeout must be 1 minute or more.")
                : Source is not ("files" or "rest") ? ValidationResult.Error("--source must be files or rest.")
                : RestConcurrency is < 1 ? ValidationResult.Error("--rest-concurrency must be 1 or more.")
                : StepsAtOnce is < 1 or > 64 ? ValidationResult.Error("--steps-at-once must be between 1 and 64.")
                : AlsoRest && Source == "rest" ? ValidationResult.Error("--also-rest goes with --source files.")
                : ValidationResult.Success();
        }

        public DateOnly TargetDate()
        {
            var calendar = TradingCalendar.Nyse;
            if (Date is null)
            {
                // A full session, so the minute file has a whole day's bars (the day after Thanksgiving closes at 13:00).
                var today = TradingCalendar.NewYorkDate(DateTimeOffset.UtcNow);
                var day = calendar.PreviousTradingDay(today);
                while (calendar.Session(day).IsEarlyClose)
                {
                    day = calendar.PreviousTradingDay(day);
                }

                return day;
            }

            if (!DateOnly.TryParseExact(Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new ArgumentException($"--date '{Date}' is not a date yyyy-MM-dd.");
            }

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

        BenchServers servers;
        MaintenanceExecutable executable;
        try
        {
            servers = BenchServers.FromConfiguration(new ConfigurationBuilder().AddEnvironmentVariables().Build(), settings.RabbitMqManagement);
            executable = MaintenanceExecutable.Locate(settings.Maintenance);
        }
        catch (InvalidOperationException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 2;
        }

        var root = Path.GetFullPath(settings.Data ?? Path.Combine(Path.GetTempPath(), "maintenance-bench"));
        var target = settings.TargetDate();
        var previous = TradingCalendar.Nyse.PreviousTradingDay(target);
        if (settings.SampleOnly)
        {
            var (written, days, took) = await BenchSampleData.EnsureAsync(root, target, settings.Tickers, settings.Days + 1, settings.MinuteDays + 1, settings.Seed, cancellationToken);
            Say($"{written.Layout.Root}: {days} days written in {took.TotalSeconds:F1}s");
            return 0;
        }

        var logs = Path.Combine(root, "logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var serviceSettings = ServiceSettings(settings);
        var runs = new Dictionary<string, (MeasuredRun Run, double? LoadBefore, double? LoadAfter)>();
        var comparedRuns = new Dictionary<string, (MeasuredRun Run, double? LoadBefore, double? LoadAfter)>();
        var restRuns = new Dictionary<string, (MeasuredRun Run, double? LoadBefore, double? LoadAfter)>();
        var memory = new List<ProcessPeak>();
        Floors floors;
        double? floorsLoadBefore, floorsLoadAfter;
        BenchSampleData data;
        RestReport? restReport = null;
        int daysWritten;
        TimeSpan sampleTime;
        try
        {
            // First, so a refusal comes before minutes of sample generation.
            await using var infrastructure = await BenchInfrastructure.CreateAsync(servers, settings.Database, settings.RedisDatabase, settings.Keep, cancellationToken);
            Say($"created for this run: {infrastructure.Describe()}");
            // One day more of each than a first run needs: the first run is of D-1, the next day D adds one.
            Say($"sample data for {settings.Tickers:N0} tickers, {settings.Days + 1} days to {target:yyyy-MM-dd}, minute bars for the last {settings.MinuteDays + 1}");
            (data, daysWritten, sampleTime) = await BenchSampleData.EnsureAsync(root, target, settings.Tickers, settings.Days + 1, settings.MinuteDays + 1, settings.Seed, cancellationToken);
            Say(daysWritten == 0 ? $"reusing {data.Layout.Root}" : $"wrote {daysWritten} days in {sampleTime.TotalSeconds:F1}s to {data.Layout.Root}");
            var plan = new (string Name, DateOnly Day)[] { (BenchReport.FirstRun, previous), (BenchReport.NextDay, target), (BenchReport.ReRun, target) };
            var environment = new Dictionary<string, string>(serviceSettings, StringComparer.Ordinal)
            {
                ["ConnectionStrings__RabbitMq"] = infrastructure.RabbitMq,
                ["ConnectionStrings__Postgres"] = infrastructure.Postgres,
                ["ConnectionStrings__Redis"] = infrastructure.Redis,
                ["MarketData__FlatFilesPath"] = data.Layout.Root,
            };
            if (settings.Source == "rest")
            {
                await using var rest = await RestCase.StartAsync(data, target, settings.Tickers, settings.Seed, root);
                rest.Configure(environment, settings.RestConcurrency);
                Say($"Polygon stand-in at {rest.StandIn.BaseUrl}; the workers read {target:yyyy-MM-dd} from it, earlier days from {rest.FilesWithoutTarget}");
                await RunServicesAsync(settings.Workers, settings, executable, environment, logs, plan, runs, memory, rest, cancellationToken);
                Say("measuring the stand-in alone");
                restReport = await rest.ReportAsync(infrastructure.Postgres, settings.RestConcurrency ?? RestCase.DefaultConcurrency, cancellationToken);
            }
            else
            {
                await RunServicesAsync(settings.Workers, settings, executable, environment, logs, plan, runs, memory, null, cancellationToken);
            }

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
            if (settings.CompareWorkers is { } compared)
            {
                // A database, Redis database and virtual host of its own, so the second set starts from empty too.
                await using var again = await BenchInfrastructure.CreateAsync(servers, null, null, settings.Keep, cancellationToken);
                Say($"again with {compared} worker(s), created for it: {again.Describe()}");
                var compareEnvironment = new Dictionary<string, string>(environment, StringComparer.Ordinal)
                {
                    ["ConnectionStrings__RabbitMq"] = again.RabbitMq,
                    ["ConnectionStrings__Postgres"] = again.Postgres,
                    ["ConnectionStrings__Redis"] = again.Redis,
                };
                await RunServicesAsync(compared, settings, executable, compareEnvironment, Path.Combine(logs, $"workers-{compared}"), plan, comparedRuns, memory, null, cancellationToken);
            }

            if (settings.AlsoRest)
            {
                await using var again = await BenchInfrastructure.CreateAsync(servers, null, null, settings.Keep, cancellationToken);
                await using var rest = await RestCase.StartAsync(data, target, settings.Tickers, settings.Seed, root);
                var restEnvironment = new Dictionary<string, string>(environment, StringComparer.Ordinal)
                {
                    ["ConnectionStrings__RabbitMq"] = again.RabbitMq,
                    ["ConnectionStrings__Postgres"] = again.Postgres,
                    ["ConnectionStrings__Redis"] = again.Redis,
                };
                rest.Configure(restEnvironment, settings.RestConcurrency);
                Say($"REST case: Polygon stand-in at {rest.StandIn.BaseUrl}, created for it: {again.Describe()}");
                var restPlan = new (string Name, DateOnly Day)[] { (BenchReport.FirstRun, previous), (BenchReport.NextDay, target) };
                await RunServicesAsync(settings.Workers, settings, executable, restEnvironment, Path.Combine(logs, "rest"), restPlan, restRuns, memory, rest, cancellationToken);
                Say("measuring the stand-in alone");
                restReport = await rest.ReportAsync(again.Postgres, settings.RestConcurrency ?? RestCase.DefaultConcurrency, cancellationToken);
            }
        }
        catch (BenchRefusedException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 2;
        }

        memory.Add(new ProcessPeak("bench (this process)", Environment.ProcessId, ProcessMemory.PeakResidentBytes(Environment.ProcessId)));
        // The 03:00 case first: it is the figure production lives with.
        var runReports = new[] { BenchReport.NextDay, BenchReport.FirstRun, BenchReport.ReRun }
            .Where(runs.ContainsKey)
            .Select(name => BenchReport.Run(name, runs[name].Run, runs[name].LoadBefore, runs[name].LoadAfter, floors))
            .ToList();
        if (restRuns.TryGetValue(BenchReport.NextDay, out var overRest))
        {
            runReports.Add(BenchReport.Run(BenchReport.NextDayOverRest, overRest.Run, overRest.LoadBefore, overRest.LoadAfter, floors));
        }

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
            restReport,
            settings.CompareWorkers is { } m ? WorkerComparison.Of(settings.Workers, m, runs.ToDictionary(r => r.Key, r => r.Value.Run), comparedRuns.ToDictionary(r => r.Key, r => r.Value.Run)) : null,
            BenchReport.Check(runReports, memory, restReport));
        report.Print();
        Say($"service logs in {logs}");
        if (settings.Json is not null)
        {
            await report.WriteJsonAsync(settings.Json, cancellationToken);
            Say($"JSON written to {Path.GetFullPath(settings.Json)}");
        }

        var comparedSucceeded = settings.CompareWorkers is null || (comparedRuns.Count == 3 && comparedRuns.Values.All(r => r.Run.Status.Succeeded));
        var restSucceeded = !settings.AlsoRest || (restRuns.Count == 2 && restRuns.Values.All(r => r.Run.Status.Succeeded));
        return runReports.Count >= 3 && runReports.All(r => r.Succeeded) && comparedSucceeded && restSucceeded ? 0 : 1;
    }

    /// <summary>Starts the orchestrator and the workers, runs the plan's maintenances in order, reads their peak memory, stops them.</summary>
    private static async Task RunServicesAsync(
        int workers,
        Settings settings,
        MaintenanceExecutable executable,
        Dictionary<string, string> environment,
        string logs,
        IReadOnlyList<(string Name, DateOnly Day)> plan,
        Dictionary<string, (MeasuredRun Run, double? LoadBefore, double? LoadAfter)> runs,
        List<ProcessPeak> memory,
        RestCase? rest,
        CancellationToken ct)
    {
        // Maintenance:Shards = the worker processes: each divisible step (calculate-atr, calculate-rvol) is sent as one
        // shard per worker, so the workers share it; with one worker it stays at its default of 1.
        if (workers > 1)
        {
            environment = new Dictionary<string, string>(environment) { ["Maintenance__Shards"] = workers.ToString(CultureInfo.InvariantCulture) };
        }

        var services = new List<ServiceProcess>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var started = Stopwatch.StartNew();
            var orchestrator = ServiceProcess.Start(executable, "orchestrator", ["--role", "orchestrator"], environment, logs);
            services.Add(orchestrator);
            await orchestrator.WaitHealthyAsync(http, TimeSpan.FromMinutes(2), ct);
            for (var i = 1; i <= workers; i++)
            {
                services.Add(ServiceProcess.Start(executable, $"worker-{i.ToString(CultureInfo.InvariantCulture)}", ["--role", "worker"], environment, logs));
            }

            foreach (var worker in services.Skip(1))
            {
                await worker.WaitHealthyAsync(http, TimeSpan.FromMinutes(2), ct);
            }

            Say($"{executable}: orchestrator (pid {orchestrator.Id}) and {workers} worker(s) ({string.Join(", ", services.Skip(1).Select(w => w.Id))}) healthy after {started.Elapsed.TotalSeconds:F1}s");
            var api = new BenchApi(http, orchestrator.BaseAddress);
            var timeout = TimeSpan.FromMinutes(settings.TimeoutMinutes);
            foreach (var (name, day) in plan)
            {
                Say($"{name}: POST /trigger {day:yyyy-MM-dd}");
                var loadBefore = MachineLoad.OneMinute();
                rest?.StandIn.Counters.Reset();
                var run = await api.RunAsync(day, timeout, ct);
                runs[name] = (run, loadBefore, MachineLoad.OneMinute());
                rest?.Record(name, run.EndToEnd.TotalSeconds);
                Say($"{name}: {(run.Status.Succeeded ? "succeeded" : "FAILED: " + run.Status.State)} in {run.EndToEnd.TotalSeconds:F2}s");
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
    private static Dictionary<string, string> ServiceSettings(Settings settings)
    {
        var services = ServiceDefaults(settings);
        if (settings.StepsAtOnce is { } atOnce)
        {
            services["Maintenance__StepsAtOnce"] = atOnce.ToString(CultureInfo.InvariantCulture);
        }

        return services;
    }

    private static Dictionary<string, string> ServiceDefaults(Settings settings) => new(StringComparer.Ordinal)
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

    private static void Say(string line) =>
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]{DateTime.UtcNow:HH:mm:ss.fff}[/] {line}");
}
