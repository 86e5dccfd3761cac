using System.Security.Cryptography;
using System.Text;

namespace Maintenance.Orchestrator.Api;

/// <summary><c>Api:Key</c>; null or empty leaves the POSTs open (the embedded profile on a laptop).</summary>
public sealed record ApiKey(string? Value)
{
    public bool IsRequired => !string.IsNullOrEmpty(Value);

    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(Value ?? string.Empty));
}
