using System.Runtime.InteropServices;
using Maintenance.Host;
using Maintenance.Host.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

// The one executable for every role: `serve` runs the services, the rest are operator commands.
Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");

// SIGTERM (docker stop, kill) and Ctrl-C end every command within seconds: its token is cancelled, its host stops.
using var stop = new CancellationTokenSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

var app = new CommandApp<ServeCommand>();
app.Configure(config =>
{
    config.SetExceptionHandler((e, _) => ExitCodes.Of(e, stop.IsCancellationRequested));
    config.SetApplicationName("maintenance");
    config.AddCommand<ServeCommand>("serve").WithDescription("Run the orchestrator, the task workers, or both (default), with the HTTP API on port 8008.");
    config.AddCommand<RunCommand>("run").WithDescription("Start one maintenance and wait for it, with live progress. Exit code 0 only on success.");
    config.AddCommand<BackfillCommand>("backfill").WithDescription("One maintenance per trading day of a range, in order.");
    config.AddCommand<SampleDataCommand>("sample-data").WithDescription("Write deterministic sample Polygon flat files for a universe and a range of trading days.");
    config.AddCommand<CalendarCommand>("calendar").WithDescription("Print the NYSE non-trading weekdays and early closes of a range as CSV.");
    config.AddCommand<MigrateCommand>("migrate").WithDescription("Apply the database migrations and exit.");
});
return await app.RunAsync(args, stop.Token);

void Stop(PosixSignalContext signal)
{
    // The command ends itself (and says why); a second signal while it stops takes the default way out.
    if (!stop.IsCancellationRequested)
    {
        signal.Cancel = true;
        stop.Cancel();
    }
}
