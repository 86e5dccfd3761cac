using System.Net.Sockets;

namespace Maintenance.Testing;

/// <summary>The short reachability checks the fixtures run once before the first test uses a server.</summary>
internal static class ServerProbe
{
    // A server that is down refuses at once, so this limit only matters for one that is slow to answer:
    // on a 2-core machine running several test processes, accepting a connection can take seconds.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <returns>null when something accepts TCP connections at host:port, otherwise why not.</returns>
    public static async Task<string?> TcpAsync(string host, int port)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"no answer from {host}:{port} within {Timeout.TotalSeconds:0} s";
        }
        catch (SocketException e)
        {
            return $"cannot connect to {host}:{port}: {e.Message}";
        }
    }
}
