using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Xunit;

namespace Maintenance.Testing;

/// <summary>
/// What a test does when the server it needs is not configured or not answering:
/// it is skipped with the reason, unless the run demands real servers (MAINTENANCE_REQUIRE_INFRA=1),
/// in which case it fails, so a CI run can never pass by skipping everything.
/// </summary>
public static class MissingServer
{
    public const string RequireInfraVariable = "MAINTENANCE_REQUIRE_INFRA";

    public static bool InfrastructureRequired =>
        Environment.GetEnvironmentVariable(RequireInfraVariable) == "1";

    [DoesNotReturn]
    public static void Report(string reason)
    {
        if (InfrastructureRequired)
        {
            throw new InvalidOperationException($"{reason} ({RequireInfraVariable}=1: a missing server fails the test)");
        }

        Assert.Skip(reason);
        throw new UnreachableException();
    }
}
