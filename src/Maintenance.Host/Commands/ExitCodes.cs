using Spectre.Console;

namespace Maintenance.Host.Commands;

/// <summary>0 success, 1 a run that did not succeed, 2 a setting that stops the command, 3 a wait that timed out, 130 stopped by a signal.</summary>
public static class ExitCodes
{
    public const int RunFailed = 1;
    public const int Settings = 2;
    public const int TimedOut = 3;
    public const int Stopped = 130;

    /// <summary>Says what ended the command in one line (no stack trace for the expected endings) and picks its exit code.</summary>
    public static int Of(Exception exception, bool stopRequested)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case OperationCanceledException when stopRequested:
                AnsiConsole.MarkupLine("[yellow]stopped[/] by a signal");
                return Stopped;
            case MaintenanceSettingsException settings:
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {settings.Message}");
                return Settings;
            case TimeoutException timeout:
                AnsiConsole.MarkupLineInterpolated($"[red]gave up waiting:[/] {timeout.Message}");
                return TimedOut;
            default:
                AnsiConsole.WriteException(exception, ExceptionFormats.ShortenEverything);
                return -1;
        }
    }
}
