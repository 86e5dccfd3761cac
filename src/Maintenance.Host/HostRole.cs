namespace Maintenance.Host;

[Flags]
public enum HostRole
{
    None = 0,
    Orchestrator = 1,
    Worker = 2,
    All = Orchestrator | Worker,
}

public static class HostRoles
{
    public static HostRole Parse(string? text) => (text ?? "all").Trim().ToLowerInvariant() switch
    {
        "all" => HostRole.All,
        "orchestrator" => HostRole.Orchestrator,
        "worker" => HostRole.Worker,
        _ => throw new ArgumentException($"--role must be orchestrator, worker or all, got '{text}'."),
    };
}
