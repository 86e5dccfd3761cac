using System.Net;
using System.Net.Sockets;
using Garnet;
using StackExchange.Redis;

namespace Maintenance.Host;

/// <summary>
/// The embedded profile's Redis: an in-process Garnet server on a free loopback port, so the same
/// StackExchange.Redis code runs with no server installed. With a folder it persists there: it recovers the last
/// checkpoint at start and takes one when disposed, so the next process (and a person with redis-cli on the port
/// it prints) sees the keys the last run wrote.
/// </summary>
public sealed class EmbeddedRedisServer : IDisposable
{
    /// <summary>Under the embedded profile's <c>.maintenance/</c> folder, beside the SQLite file.</summary>
    public const string DefaultFolder = ".maintenance/garnet";

    private readonly GarnetServer _server;
    private bool _disposed;

    private EmbeddedRedisServer(GarnetServer server, int port, string? folder)
    {
        _server = server;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }

    /// <summary>The checkpoint folder; null when nothing is kept.</summary>
    public string? Folder { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <param name="folder">Where checkpoints live; null for a memory-only server.</param>
    public static EmbeddedRedisServer Start(string? folder = null)
    {
        var port = FreeLoopbackPort();
        var arguments = new List<string> { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "-q" };
        if (folder is not null)
        {
            folder = Path.GetFullPath(folder);
            Directory.CreateDirectory(folder);
            // RandomAccess: the managed file device; the native one needs libaio, which Debian 12 ships under another name.
            arguments.AddRange(["--checkpointdir", folder, "--device-type", "RandomAccess", "--recover"]);
        }

        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Error));
        var server = new GarnetServer([.. arguments], loggerFactory);
        server.Start();
        return new EmbeddedRedisServer(server, port, folder);
    }

    /// <summary>Writes a checkpoint now (a foreground SAVE); nothing when memory-only.</summary>
    public void Checkpoint()
    {
        if (Folder is null || _disposed)
        {
            return;
        }

        using var connection = ConnectionMultiplexer.Connect($"127.0.0.1:{Port},allowAdmin=true");

        // Blocking is the point: at shutdown the checkpoint must be complete before the server goes away.
#pragma warning disable CS0618
        connection.GetServer("127.0.0.1", Port).Save(SaveType.ForegroundSave);
#pragma warning restore CS0618
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            Checkpoint();
        }
        finally
        {
            _disposed = true;
            _server.Dispose();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
