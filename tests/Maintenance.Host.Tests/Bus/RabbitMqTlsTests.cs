using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maintenance.Host.Tests.Bus;

public sealed class RabbitMqTlsTests
{
    [Theory]
    [InlineData("amqp://u:p@broker/", "broker", 5672, "/", false)]
    [InlineData("amqps://u:p@broker/", "broker", 5671, "/", true)]
    [InlineData("amqps://maintenance:s%40cret@mq.example.com:15671/prod", "mq.example.com", 15671, "prod", true)]
    public void Amqps_means_TLS_on_port_5671_unless_another_is_named(string uri, string host, int port, string virtualHost, bool tls)
    {
        var address = RabbitMqAddress.Parse(uri);

        Assert.Equal((host, (ushort)port, virtualHost, tls), (address.Host, address.Port, address.VirtualHost, address.UseTls));
    }

    [Fact]
    public void A_password_with_escapes_is_read_back()
    {
        var address = RabbitMqAddress.Parse("amqps://maintenance:s%40cret@mq/");

        Assert.Equal(("maintenance", "s@cret"), (address.Username, address.Password));
    }

    [Fact]
    public void Another_scheme_is_refused_naming_both()
    {
        var e = Assert.Throws<InvalidOperationException>(() => RabbitMqAddress.Parse("http://broker/"));

        Assert.Contains("amqps:// for TLS", e.Message, StringComparison.Ordinal);
    }

    /// <summary>What the bus sends first on the wire: a TLS ClientHello (0x16 0x03) for amqps, the AMQP header for amqp.</summary>
    [Theory]
    [InlineData("amqps", new byte[] { 0x16, 0x03 })]
    [InlineData("amqp", new byte[] { (byte)'A', (byte)'M' })]
    public async Task The_bus_opens_its_connection_with_TLS_for_amqps(string scheme, byte[] firstBytes)
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = $"{scheme}://guest:guest@127.0.0.1:{port}/" })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddMaintenanceBus(configuration, _ => { });
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var starting = bus.StartAsync(stop.Token);
        using var socket = await listener.AcceptSocketAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
        var received = new byte[2];
        var read = 0;
        while (read < received.Length)
        {
            read += await socket.ReceiveAsync(received.AsMemory(read), ct);
        }

        Assert.Equal(firstBytes, received);
        socket.Close();
        await stop.CancelAsync();
        await Task.WhenAny(starting, Task.Delay(TimeSpan.FromSeconds(5), ct));
        using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await bus.StopAsync(stopped.Token);
        }
        catch (OperationCanceledException)
        {
            // The fake broker never answered; nothing to stop cleanly.
        }
    }
}
