using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Maintenance.Host;

/// <summary>
/// The embedded profile's Redis: an in-process Garnet server on a free loopback port, so the same
/// StackExchange.Redis code runs with no server installed.
/// </summary>
public sealed class EmbeddedRedisServer : IDisposable
{
    private readonly GarnetServer _server;

    private EmbeddedRedisServer(GarnetServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static EmbeddedRedisServer Start()
    {
        var port = FreeLoopbackPort();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Error));
        var server = new GarnetServer(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "-q"], loggerFactory);
        server.Start();
        return new EmbeddedRedisServer(server, port);
    }

    public void Dispose() => _server.Dispose();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
