using Microsoft.Extensions.Logging;

namespace Maintenance.Orchestrator.Tests.Support;

/// <summary>
/// When ORCHESTRATOR_TEST_LOG names a file, the test hosts append their logs to it (debugging aid; console output
/// of background threads is not captured by the test platform).
/// </summary>
public sealed class FileLog(string path) : ILoggerProvider
{
    private static readonly Lock Gate = new();

    public static string? Path => Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_LOG");

    public ILogger CreateLogger(string categoryName) => new FileLogger(path, categoryName);

    public void Dispose()
    {
    }

    private sealed class FileLogger(string path, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception)}{Environment.NewLine}";
            lock (Gate)
            {
                File.AppendAllText(path, line);
            }
        }
    }
}
