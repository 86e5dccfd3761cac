using System.Security.Cryptography;
using System.Text;

namespace Maintenance.Contracts;

/// <summary>The saga's CorrelationId is derived from the target date, so every process agrees on it.</summary>
public static class RunIds
{
    /// <summary>A name-based (version 5 style) UUID of <c>maintenance:{yyyy-MM-dd}</c>.</summary>
    public static Guid ForDate(DateOnly targetDate)
    {
        var name = Encoding.UTF8.GetBytes("maintenance:" + targetDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 names a UUID here (RFC 9562 v5), it protects nothing.
        SHA1.HashData(name, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
