using System.Security.Cryptography;
using System.Text;
using Npgsql;
using StackExchange.Redis;

namespace Maintenance.Host.Tests.Faults;

/// <summary>Count and checksum of one output of a run (a table's rows of the date, a family of Redis keys).</summary>
public sealed record OutputPart(string Name, long Count, string Checksum);

/// <summary>What a run left behind, comparable between a clean run and a run under a fault.</summary>
public sealed record Fingerprint(IReadOnlyList<OutputPart> Parts)
{
    public static async Task<Fingerprint> OfAsync(string postgres, string redis, DateOnly date)
    {
        var parts = new List<OutputPart>();
        await using (var sql = new NpgsqlConnection(postgres))
        {
            await sql.OpenAsync();
            parts.Add(await TableAsync(sql, "daily_bars", date));
            parts.Add(await TableAsync(sql, "volume_slots", date));
            parts.Add(await TableAsync(sql, "atr_values", date));
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var db = connection.GetDatabase();
        var server = connection.GetServers()[0];
        // The values, not their "updated" session date, which follows the clock of the run.
        var atr = (await db.HashGetAllAsync("atr:daily")).Select(e => $"{e.Name}={AtrValues(e.Value.ToString())}");
        parts.Add(Part("redis atr:daily", atr));
        parts.Add(Part("redis ticker:universe", (await db.SetMembersAsync("ticker:universe")).Select(m => m.ToString())));
        var rvol = new List<string>();
        await foreach (var key in server.KeysAsync(db.Database, "rvol:hist:avg:*", 1000))
        {
            var fields = (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}").Order(StringComparer.Ordinal);
            rvol.Add(key.ToString() + ":" + string.Join(',', fields));
        }

        parts.Add(Part("redis rvol:hist:avg:*", rvol));
        var metadata = new List<string>();
        await foreach (var key in server.KeysAsync(db.Database, "metadata:ticker:*", 1000))
        {
            metadata.Add(key.ToString());
        }

        // Metadata carries its own write time: its key names are compared, not its values.
        parts.Add(Part("redis metadata:ticker:*", metadata));
        return new Fingerprint(parts);
    }

    /// <summary>(lost, duplicated or changed) against a clean run: one line per differing part.</summary>
    public (long Lost, long Extra, IReadOnlyList<string> Differences) Against(Fingerprint clean)
    {
        long lost = 0, extra = 0;
        var differences = new List<string>();
        foreach (var expected in clean.Parts)
        {
            var actual = Parts.Single(p => p.Name == expected.Name);
            lost += Math.Max(0, expected.Count - actual.Count);
            extra += Math.Max(0, actual.Count - expected.Count);
            if (actual.Checksum != expected.Checksum)
            {
                differences.Add($"{expected.Name}: {actual.Count} vs {expected.Count}, checksum {actual.Checksum[..8]} vs {expected.Checksum[..8]}");
            }
        }

        return (lost, extra, differences);
    }

    private static async Task<OutputPart> TableAsync(NpgsqlConnection sql, string table, DateOnly date)
    {
        await using var command = new NpgsqlCommand(
            $"select count(*), coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from {table} t where trading_date = @d", sql);
        command.Parameters.AddWithValue("d", date);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new OutputPart(table, reader.GetInt64(0), reader.GetString(1).PadRight(8, '-'));
    }

    private static string AtrValues(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("atr").GetRawText() + "/" + document.RootElement.GetProperty("atr_percent").GetRawText();
    }

    private static OutputPart Part(string name, IEnumerable<string> items)
    {
        var sorted = items.Order(StringComparer.Ordinal).ToList();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', sorted))));
        return new OutputPart(name, sorted.Count, hash);
    }
}
