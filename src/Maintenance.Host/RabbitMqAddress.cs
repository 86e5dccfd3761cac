namespace Maintenance.Host;

/// <summary>The parts of an amqp://user:password@host:port/vhost URI; amqps:// is the same over TLS (port 5671 by default).</summary>
public sealed record RabbitMqAddress(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls = false)
{
    public static RabbitMqAddress Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var u) || u.Scheme is not ("amqp" or "amqps" or "rabbitmq"))
        {
            throw new InvalidOperationException("ConnectionStrings:RabbitMq must be an amqp URI like amqp://user:password@host:5672/vhost (amqps:// for TLS).");
        }

        var tls = u.Scheme == "amqps";
        var user = u.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/'));
        return new RabbitMqAddress(
            u.Host,
            (ushort)(u.IsDefaultPort || u.Port <= 0 ? (tls ? 5671 : 5672) : u.Port),
            vhost.Length == 0 ? "/" : vhost,
            user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : "guest",
            user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "guest",
            tls);
    }
}
