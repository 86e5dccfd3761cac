using Maintenance.Data.Redis;
using Maintenance.Data.Storage;
using StackExchange.Redis;

namespace Maintenance.Tasks.CalculateRvol;

/// <summary>Each symbol's RVOL averages turned into hashes, counted as they go for the step's metrics and verdict.</summary>
internal sealed class RvolTally
{
    public int Tickers { get; private set; }

    public int WithTargetDay { get; private set; }

    public int WithHash { get; private set; }

    public int ShortHistory { get; private set; }

    /// <summary>Adds the hashes of one symbol's averages (those with slots) to <paramref name="hashes"/> and their keys to <paramref name="written"/>.</summary>
    public void Add(VolumeSlotHistory history, DateOnly target, int[] lookbacks, List<HashReplacement> hashes, HashSet<string> written)
    {
        Tickers++;
        if (history.Days.Count > 0 && history.Days[^1].Date == target)
        {
            WithTargetDay++;
        }

        var averages = Core.RvolAverages.Calculate(history.Days.Select(d => new VolumeSlotDay(d.Date, d.Slots)), target, lookbacks);
        if (averages.Any(a => a.Slots.Count > 0))
        {
            WithHash++;
        }

        foreach (var average in averages)
        {
            if (average.DaysUsed < average.Lookback)
            {
                ShortHistory++;
            }

            if (average.Slots.Count == 0)
            {
                continue;
            }

            var key = RedisKeys.RvolAverages(history.Symbol, average.Lookback);
            hashes.Add(new HashReplacement(key, [.. average.Slots.Select(s => new HashEntry(s.Slot, s.Average))]));
            written.Add(key);
        }
    }
}
