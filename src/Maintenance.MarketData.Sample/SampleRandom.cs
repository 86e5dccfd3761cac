namespace Maintenance.MarketData.Sample;

/// <summary>
/// The sample generator's random numbers: SplitMix64, seeded from a hash of the things a number belongs to
/// (seed, ticker, day, purpose), so any day of any ticker is reproducible on its own, in any order, on any
/// thread, and on any .NET version (System.Random's sequences are not promised to stay the same).
/// </summary>
internal struct SampleRandom(ulong state)
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    private ulong _state = state;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>A generator for the given coordinates; different coordinates give unrelated sequences.</summary>
    public static SampleRandom For(int seed, long a, long b = 0, long c = 0) => new(Hash(seed, a, b, c));

    /// <summary>One well-mixed 64-bit value of the given coordinates.</summary>
    public static ulong Hash(int seed, long a, long b = 0, long c = 0)
    {
        var h = Mix((ulong)(uint)seed + Golden);
        h = Mix(h ^ (ulong)a);
        h = Mix(h ^ (ulong)b);
        return Mix(h ^ (ulong)c);
    }

    /// <summary>
    /// A roughly standard normal number from one hash: the sum of four 16-bit uniforms, centred and scaled
    /// (Irwin-Hall). Bounded at ±3.46, which suits a price walk and costs no logarithm.
    /// </summary>
    public static double QuickNormal(ulong hash)
    {
        var sum = (hash & 0xFFFF) + ((hash >> 16) & 0xFFFF) + ((hash >> 32) & 0xFFFF) + (hash >> 48);
        return ((sum / 65536.0) - 2.0) * 1.7320508075688772;
    }

    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int maxExclusive) => (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);

    public double NextDouble(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>Standard normal (Box-Muller, the second value kept for the next call).</summary>
    public double NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }

        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        var angle = 2.0 * Math.PI * u2;
        _spareNormal = radius * Math.Sin(angle);
        _hasSpareNormal = true;
        return radius * Math.Cos(angle);
    }

    /// <summary>exp(N(ln median, sigma)): a lognormal with the given median.</summary>
    public double NextLogNormal(double median, double sigma) => median * Math.Exp(sigma * NextNormal());

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
