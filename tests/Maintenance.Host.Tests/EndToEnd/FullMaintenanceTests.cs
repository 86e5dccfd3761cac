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
public sealed class FullMaintenanceTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq) : IAsyncLifetime
{
    private static readonly DateOnly TargetDate = new(2026, 11, 25);
    private const int Tickers = 40;

    private readonly string _sampleFolder = Path.Combine(Path.GetTempPath(), "maintenance-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<IHost> _hosts = [];
    private RedisLease? _redisLease;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }

        if (_redisLease is not null)
        {
            await _redisLease.DisposeAsync();
        }

        if (Directory.Exists(_sampleFolder))
        {
            Directory.Delete(_sampleFolder, recursive: true);
        }
    }

    [Fact]
    public async Task A_full_run_succeeds_and_leaves_the_days_rows_keys_and_status()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        _redisLease = await redis.LeaseDatabaseAsync(ct);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = (await rabbitMq.CreateVirtualHostAsync(ct)).ToString(),
            ["ConnectionStrings:Postgres"] = database,
            ["ConnectionStrings:Redis"] = _redisLease.ConnectionString,
            ["MarketData:Source"] = "Sample",
            ["MarketData:SamplePath"] = _sampleFolder,
            ["MarketData:SampleTickers"] = Tickers.ToString(CultureInfo.InvariantCulture),
            ["Maintenance:Schedule:Enabled"] = "false",
        };

        var orchestrator = Build(settings, b => b.AddMaintenance(HostRole.Orchestrator, MaintenanceSteps.InOrder));
        await MaintenanceSchema.EnsureAsync(orchestrator.Services, ct);
        await StartAsync(orchestrator, ct);
        await StartAsync(Build(settings, b => b.AddMaintenance(HostRole.Worker, MaintenanceSteps.InOrder)), ct);
        var client = Build(settings, b => b.AddRunner(inProcess: false));
        await StartAsync(client, ct);

        // What the platform's subscribers hear during the run (channels are server-wide: matched by date below). The
        // start forces the clearing, which would otherwise wait for the end of the market session when tests run then.
        await using var listener = await ConnectionMultiplexer.ConnectAsync(_redisLease.ConnectionString);
        var heard = Channel.CreateUnbounded<(string Channel, string Message)>();
        foreach (var channel in new[] { "trading:new_day", "maintenance:completed" })
        {
            await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), (c, m) => heard.Writer.TryWrite((c.ToString(), m.ToString())));
        }

        var started = DateTimeOffset.UtcNow;
        var outcome = await client.Services.GetRequiredService<MaintenanceRunner>()
            .RunAsync(new StartMaintenance(TargetDate, "e2e-test", ForceClearCaches: true), _ => { }, TimeSpan.FromMinutes(4), ct);

        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Steps.Select(s => $"{s.Step}={s.Status} {s.Error}")));
        Assert.Equal(MaintenanceSteps.InOrder, outcome.Steps.Select(s => s.Step));
        Assert.All(outcome.Steps, s => Assert.Equal(StepStatus.Success, s.Status));

        // The target day's daily bars are exactly the tickers of the day's flat file.
        var universeFolder = Assert.Single(Directory.GetDirectories(_sampleFolder));
        var dayFile = Path.Combine(universeFolder, "us_stocks_sip", "day_aggs_v1", "2026", "11", "2026-11-25.csv.gz");
        var fileTickers = TickersOf(dayFile);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        Assert.Equal(fileTickers.Count, await ScalarAsync(connection, "select count(*) from daily_bars where trading_date = @d", ct));
        Assert.Equal(fileTickers.Count, await ScalarAsync(connection, "select count(distinct symbol) from volume_slots where trading_date = @d", ct));
        var atrRows = await ScalarAsync(connection, "select count(*) from atr_values where trading_date = @d", ct);
        Assert.InRange(atrRows, 1, fileTickers.Count);

        var db = (await ConnectionMultiplexer.ConnectAsync(_redisLease.ConnectionString)).GetDatabase();
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

    private static IHost Build(Dictionary<string, string?> settings, Action<IHostApplicationBuilder> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        configure(builder);
        return builder.Build();
    }

    private async Task StartAsync(IHost host, CancellationToken ct)
    {
        _hosts.Add(host);
        await host.StartAsync(ct);
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
