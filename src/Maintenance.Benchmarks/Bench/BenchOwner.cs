namespace Maintenance.Benchmarks.Bench;

/// <summary>
/// One bench run's mark on what it creates (a database comment, a Redis key, a virtual host description). The bench
/// drops, flushes or deletes only what carries the mark of its own run: anything else was made by someone else.
/// </summary>
public sealed record BenchOwner(Guid RunId)
{
    public const string Prefix = "maintenance-bench run ";

    public static BenchOwner New() => new(Guid.NewGuid());

    public string Marker => Prefix + RunId.ToString("N");

    /// <summary>A name for something this run creates, e.g. <c>maintenance_bench_1a2b3c4d</c>.</summary>
    public string Name(string stem) => stem + RunId.ToString("N")[..8];
}

/// <summary>The bench would have touched something it did not create in this run, and did not.</summary>
public sealed class BenchRefusedException(string message) : Exception(message);
