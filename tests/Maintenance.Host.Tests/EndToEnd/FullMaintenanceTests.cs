using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Threading.Channels;
using Maintenance.Contracts;
using Maintenance.Host.Commands;
using Maintenance.Host.Running;
using Maintenance.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace Maintenance.Host.Tests.EndToEnd;

/// <summary>
/// The whole maintenance on real RabbitMQ, PostgreSQL and Redis, with the orchestrator, the workers and the
/// operator's client as three separate bus instances, as in the distributed profile.
/// </summary>
public sealed class FullMaintenanceTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq)
{
    private static readonly DateOnly TargetDate = new(2026, 11, 25);
    private const int Tickers = 40;

    [Fact]
    public async Task A_full_run_succeeds_and_leaves_the_days_rows_keys_and_status()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var profile = await DistributedProfile.StartAsync(postgres, redis, rabbitMq, Tickers, ct);

        // What the platform's subscribers hear during the run (channels are server-wide: matched by date below). The
        // start forces the clearing, which would otherwise wait for the end of the market session when tests run then.
        await using var listener = await ConnectionMultiplexer.ConnectAsync(profile.RedisConnection);
        var heard = Channel.CreateUnbounded<(string Channel, string Message)>();
        foreach (var channel in new[] { "trading:new_day", "maintenance:completed" })
        {
            await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), (c, m) => heard.Writer.TryWrite((c.ToString(), m.ToString())));
        }

        var started = DateTimeOffset.UtcNow;
        var outcome = await profile.RunAsync(new StartMaintenance(TargetDate, "e2e-test", ForceClearCaches: true), TimeSpan.FromMinutes(4), ct);

        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Steps.Select(s => $"{s.Step}={s.Status} {s.Error}")));
        Assert.Equal(MaintenanceSteps.InOrder, outcome.Steps.Select(s => s.Step));
        Assert.All(outcome.Steps, s => Assert.Equal(StepStatus.Success, s.Status));

        // The target day's daily bars are exactly the tickers of the day's flat file.
        var universeFolder = Assert.Single(Directory.GetDirectories(profile.SampleFolder));
        var dayFile = Path.Combine(universeFolder, "us_stocks_sip", "day_aggs_v1", "2026", "11", "2026-11-25.csv.gz");
        var fileTickers = TickersOf(dayFile);
        await using var connection = new NpgsqlConnection(profile.Database);
        await connection.OpenAsync(ct);
        Assert.Equal(fileTickers.Count, await ScalarAsync(connection, "select count(*) from daily_bars where trading_date = @d", ct));
        Assert.Equal(fileTickers.Count, await ScalarAsync(connection, "select count(distinct symbol) from volume_slots where trading_date = @d", ct));
        var atrRows = await ScalarAsync(connection, "select count(*) from atr_values where trading_date = @d", ct);
        Assert.InRange(atrRows, 1, fileTickers.Count);

        var db = (await ConnectionMultiplexer.ConnectAsync(profile.RedisConnection)).GetDatabase();
        Assert.Equal(atrRows, await db.HashLengthAsync("atr:daily"));
        Assert.Equal(await ScalarAsync(connection, "select count(*) from tickers where active", ct), await db.SetLengthAsync("ticker:universe"));
        foreach (var symbol in fileTickers.Take(5))
        {
            Assert.True(await db.KeyExistsAsync($"metadata:ticker:{symbol}"), $"metadata:ticker:{symbol} missing");
        }

        var rvolKey = $"rvol:hist:avg:{fileTickers.First()}:5";
        Assert.True(await db.HashLengthAsync(rvolKey) > 0, $"{rvolKey} is empty");
        Assert.NotNull(await db.KeyTimeToLiveAsync(rvolKey));

        using var status = JsonDocument.Parse((await db.StringGetAsync("maintenance:status:2026-11-25")).ToString());
        Assert.True(status.RootElement.GetProperty("all_success").GetBoolean());
        Assert.All(status.RootElement.GetProperty("tasks").EnumerateObject(), t => Assert.Equal("success", t.Value.GetString()));
        Assert.Equal("2026-11-25", (await db.StringGetAsync("maintenance:last_run")).ToString());
        Assert.True(await db.KeyExistsAsync("maintenance:executed:2026-11-25"));

        // The caches read as the platform's services read them. The values serve Friday the 27th (Thanksgiving closed).
        var active = (await ListAsync(connection, "select symbol from tickers where active order by symbol", ct)).ToList();
        var atr = await PlatformReaders.AtrBatchAsync(db, active, PlatformReaders.LastTradingDayV2(new DateOnly(2026, 11, 27)), withHeadFallback: false);
        Assert.Equal(atrRows, atr.Count);
        var metadata = await PlatformReaders.MetadataAsync(db, active);
        Assert.Equal(active.Count, metadata.Count);
        Assert.Contains(metadata.Values, m => m["avg_volume_30d"] is not null && (bool)m["is_etf"]!);
        Assert.Contains(metadata.Values, m => m["description"] is not null && m["address"] is not null);
        Assert.NotNull(await PlatformReaders.AvgVolumeAsync(db, metadata.First(m => m.Value["avg_volume_30d"] is not null).Key));

        // Both channels: the new day after ClearCaches, the completion at the end, each exactly as its subscribers parse it.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        string? newDay = null, completed = null;
        while (newDay is null || completed is null)
        {
            var (channel, message) = await heard.Reader.ReadAsync(wait.Token);
            var date = JsonDocument.Parse(message).RootElement.GetProperty("date").GetString();
            if (channel == "trading:new_day" && date == "2026-11-27")
            {
                newDay = message;
            }
            else if (channel == "maintenance:completed" && date == "2026-11-25")
            {
                completed = message;
            }
        }

        Assert.Equal("""{"event":"new_trading_day","action":"clear_caches","date":"2026-11-27"}""", newDay);
        Assert.True(PlatformReaders.WebsocketServerClearsCaches(newDay));
        using var notice = JsonDocument.Parse(completed);
        Assert.Equal(["event", "date", "timestamp"], notice.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("maintenance_completed", notice.RootElement.GetProperty("event").GetString());
        Assert.InRange(PlatformReaders.FromIsoDateTime(notice.RootElement.GetProperty("timestamp").GetString()!), started, DateTimeOffset.UtcNow);
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("d", TargetDate);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>The distinct tickers of a Polygon day file, read with plain code, independent of the service's reader.</summary>
    private static SortedSet<string> TickersOf(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var header = reader.ReadLine()!.Split(',');
        var column = Array.IndexOf(header, "ticker");
        var tickers = new SortedSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            tickers.Add(line.Split(',')[column]);
        }

        return tickers;
    }
}
