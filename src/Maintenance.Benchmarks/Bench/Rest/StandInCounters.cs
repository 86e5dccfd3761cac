using System.Diagnostics;

namespace Maintenance.Benchmarks.Bench.Rest;

/// <summary>What the stand-in answered since the last <see cref="StandInCounters.Reset"/>.</summary>
public sealed record StandInTally(long Calls, long MinuteCalls, long OtherCalls, long RateLimited, long Failing, long Slow, double ActiveSeconds)
{
    /// <summary>Calls per second between the first and the last call.</summary>
    public double CallsPerSecond => ActiveSeconds > 0 ? Calls / ActiveSeconds : 0;

    /// <summary>Answers the client had to retry: 429s and 503s.</summary>
    public long Retries => RateLimited + Failing;
}

/// <summary>Counts the stand-in's answers; thread-safe.</summary>
public sealed class StandInCounters
{
    private long _calls;
    private long _minuteCalls;
    private long _rateLimited;
    private long _failing;
    private long _slow;
    private long _first;
    private long _last;

    /// <summary>Numbers each request from 0, for <see cref="StandInFaults.For"/>.</summary>
    public long Next(bool minute)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _first, now, 0);
        if (minute)
        {
            Interlocked.Increment(ref _minuteCalls);
        }

        return Interlocked.Increment(ref _calls) - 1;
    }

    public void Answered(StandInAnswer answer)
    {
        _ = answer switch
        {
            StandInAnswer.RateLimited => Interlocked.Increment(ref _rateLimited),
            StandInAnswer.Failing => Interlocked.Increment(ref _failing),
            StandInAnswer.Slow => Interlocked.Increment(ref _slow),
            _ => 0,
        };
        Interlocked.Exchange(ref _last, Stopwatch.GetTimestamp());
    }

    public StandInTally Snapshot()
    {
        var calls = Interlocked.Read(ref _calls);
        var minute = Interlocked.Read(ref _minuteCalls);
        var first = Interlocked.Read(ref _first);
        var last = Interlocked.Read(ref _last);
        var seconds = first > 0 && last > first ? Stopwatch.GetElapsedTime(first, last).TotalSeconds : 0;
        return new StandInTally(calls, minute, calls - minute, Interlocked.Read(ref _rateLimited), Interlocked.Read(ref _failing), Interlocked.Read(ref _slow), seconds);
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _minuteCalls, 0);
        Interlocked.Exchange(ref _rateLimited, 0);
        Interlocked.Exchange(ref _failing, 0);
        Interlocked.Exchange(ref _slow, 0);
        Interlocked.Exchange(ref _first, 0);
        Interlocked.Exchange(ref _last, 0);
    }
}
