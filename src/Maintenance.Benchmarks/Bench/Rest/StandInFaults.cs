namespace Maintenance.Benchmarks.Bench.Rest;

/// <summary>What the stand-in does with one request, by its sequence number: deterministic, so two benches meet the same trouble.</summary>
public enum StandInAnswer
{
    Normal,
    RateLimited,
    Failing,
    Slow,
}

/// <summary>
/// The stand-in's trouble: every <see cref="RateLimitedEvery"/>-th request answers 429 with <c>Retry-After</c>, every
/// <see cref="FailingEvery"/>-th 503, every <see cref="SlowEvery"/>-th answers after <see cref="SlowDelay"/>.
/// Zero turns a kind off.
/// </summary>
public sealed record StandInFaults(int RateLimitedEvery, int FailingEvery, int SlowEvery, TimeSpan SlowDelay, int RetryAfterSeconds)
{
    public static StandInFaults Default { get; } = new(400, 700, 300, TimeSpan.FromSeconds(1.5), 1);

    public static StandInFaults None { get; } = new(0, 0, 0, TimeSpan.Zero, 1);

    public StandInAnswer For(long request) =>
        Every(request, RateLimitedEvery) ? StandInAnswer.RateLimited
        : Every(request, FailingEvery) ? StandInAnswer.Failing
        : Every(request, SlowEvery) ? StandInAnswer.Slow
        : StandInAnswer.Normal;

    private static bool Every(long request, int every) => every > 0 && request % every == every - 1;
}
