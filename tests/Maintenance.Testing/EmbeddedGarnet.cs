using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.Logging;

namespace Maintenance.Testing;

/// <summary>
/// An in-process Microsoft.Garnet server (Redis protocol) on a free loopback port, the embedded profile's cache.
/// Needs no outside server, so tests using it never skip.
/// </summary>
public sealed class EmbeddedGarnet : IAsyncDisposable
{
    private readonly GarnetServer _server;
    private readonly ILoggerFactory _loggerFactory;

    private EmbeddedGarnet(GarnetServer server, ILoggerFactory loggerFactory, int port)
    {
        _server = server;
        _loggerFactory = loggerFactory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static Task<EmbeddedGarnet> StartAsync()
    {
        // Another process may take the free port between our probe and Garnet's bind: try a few.
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Error).AddConsole());
            GarnetServer? server = null;
            try
            {
                server = new GarnetServer(["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "-q"], loggerFactory);
                server.Start();
                return Task.FromResult(new EmbeddedGarnet(server, loggerFactory, port));
            }
            catch (Exception) when (attempt < attempts)
            {
                server?.Dispose();
                loggerFactory.Dispose();
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _loggerFactory.Dispose();
        return ValueTask.CompletedTask;
    }
}
