using System.Text.Json;
using Maintenance.Data.Redis;
using Maintenance.Data.Storage;
using StackExchange.Redis;

namespace Maintenance.Tasks.CalculateAtr;

/// <summary>The scanners' ATR caches (<c>atr:daily</c> and <c>atr:{SYMBOL}</c>) checked against the stored values.</summary>
internal static class AtrCaches
{
    /// <summary>
    /// True when <c>atr:daily</c> holds exactly the stored values (same symbols, same numbers) for <paramref name="session"/>
    /// among the fields of the shard's symbols, and every <c>atr:{SYMBOL}</c> string is there.
    /// </summary>
    public static async Task<bool> HoldAsync(RedisStore redis, Dictionary<string, AtrValue> stored, DateOnly session, SymbolShard shard, CancellationToken ct)
    {
        var fields = (await redis.Database.HashGetAllAsync(RedisKeys.AtrDaily)).Where(f => shard.Contains(f.Name.ToString())).ToList();
        ct.ThrowIfCancellationRequested();
        if (fields.Count != stored.Count)
        {
            return false;
        }

        var updated = session.Iso();
        foreach (var field in fields)
        {
            if (!stored.TryGetValue(field.Name.ToString(), out var value))
            {
                return false;
            }

            try
            {
                using var json = JsonDocument.Parse(field.Value.ToString());
                var atr = json.RootElement.GetProperty("atr").GetDouble();
                var percent = json.RootElement.GetProperty("atr_percent").GetDouble();
                if (atr != value.Atr || percent != value.AtrPercent || json.RootElement.GetProperty("updated").GetString() != updated)
                {
                    return false;
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                return false;
            }
        }

        foreach (var chunk in stored.Values.Chunk(1000))
        {
            var strings = await redis.Database.StringGetAsync([.. chunk.Select(v => (RedisKey)RedisKeys.Atr(v.Symbol))]);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (strings[i] != DownstreamJson.AtrString(chunk[i].Atr))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
