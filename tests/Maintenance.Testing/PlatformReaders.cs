using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Maintenance.Core;
using StackExchange.Redis;
using Xunit;

namespace Maintenance.Testing;

/// <summary>
/// The platform's readers of the maintenance's Redis output (github Imaddindepf/tradeul, at the v2 commit 16d1289 and
/// at today's head), reading exactly the way their code does: the same commands, the same parsing, the same rules.
/// Written from reading that code, not copied from it.
/// </summary>
public static partial class PlatformReaders
{
    /// <summary>
    /// shared/utils/atr_calculator.py <c>get_last_trading_date</c> at v2: the New York date itself when it is a
    /// trading day, else the trading day before it.
    /// </summary>
    public static DateOnly LastTradingDayV2(DateOnly newYorkToday) =>
        TradingCalendar.Nyse.IsTradingDay(newYorkToday) ? newYorkToday : TradingCalendar.Nyse.PreviousTradingDay(newYorkToday);

    /// <summary>The same function at head: the last completed trading day, strictly before the New York date.</summary>
    public static DateOnly LastTradingDayHead(DateOnly newYorkToday) => TradingCalendar.Nyse.PreviousTradingDay(newYorkToday);

    /// <summary>
    /// <c>ATRCalculator._get_batch_from_cache</c>: <c>HMGET atr:daily</c>, <c>date.fromisoformat(value['updated'])</c>,
    /// a value dated before the last trading day dropped, then <c>float(atr)</c> and <c>float(atr_percent)</c>.
    /// At head, the symbols still missing are read with <c>MGET atr:{SYMBOL}</c> (a plain float, kept when above 0).
    /// </summary>
    public static async Task<Dictionary<string, (double Atr, double? AtrPercent)>> AtrBatchAsync(
        IDatabase db, IReadOnlyList<string> symbols, DateOnly lastTradingDay, bool withHeadFallback)
    {
        var values = await db.HashGetAsync("atr:daily", [.. symbols.Select(s => (RedisValue)s)]);
        var results = new Dictionary<string, (double, double?)>(StringComparer.Ordinal);
        for (var i = 0; i < symbols.Count; i++)
        {
            if (values[i].IsNull)
            {
                continue;
            }

            var value = JsonNode.Parse((string)values[i]!)!.AsObject();
            if (value["updated"] is { } updated && FromIsoDate(updated.GetValue<string>()) < lastTradingDay)
            {
                continue;
            }

            var percent = value["atr_percent"];
            results[symbols[i]] = (PythonFloat(value["atr"]!), percent is null ? null : PythonFloat(percent));
        }

        if (withHeadFallback)
        {
            var missing = symbols.Where(s => !results.ContainsKey(s)).ToArray();
            var individual = await db.StringGetAsync([.. missing.Select(s => (RedisKey)("atr:" + s))]);
            for (var i = 0; i < missing.Length; i++)
            {
                if (!individual[i].IsNull && double.Parse((string)individual[i]!, NumberStyles.Float, CultureInfo.InvariantCulture) is > 0 and var atr)
                {
                    results[missing[i]] = (atr, null);
                }
            }
        }

        return results;
    }

    /// <summary>
    /// services/scanner/scanner_engine.py (and api_gateway's heatmap): <c>MGET metadata:ticker:{SYMBOL}</c>, then
    /// <c>TickerMetadata(**json.loads(raw))</c>; a value the model refuses is an error for that symbol.
    /// </summary>
    public static async Task<Dictionary<string, JsonObject>> MetadataAsync(IDatabase db, IReadOnlyList<string> symbols)
    {
        var raw = await db.StringGetAsync([.. symbols.Select(s => (RedisKey)("metadata:ticker:" + s))]);
        var results = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var i = 0; i < symbols.Count; i++)
        {
            if (!raw[i].IsNull)
            {
                var data = JsonNode.Parse((string)raw[i]!)!.AsObject();
                TickerMetadataModel.Validate(data);
                results[symbols[i]] = data;
            }
        }

        return results;
    }

    /// <summary>The Python <c>sync_redis</c>'s <c>ticker:avg_volume:{SYMBOL}</c>: a JSON object of three integers or nulls.</summary>
    public static async Task<(long? Avg30, long? Avg10, long? Avg5)?> AvgVolumeAsync(IDatabase db, string symbol)
    {
        var raw = await db.StringGetAsync("ticker:avg_volume:" + symbol);
        if (raw.IsNull)
        {
            return null;
        }

        var data = JsonNode.Parse((string)raw!)!.AsObject();
        Assert.Equal(["avg_volume_30d", "avg_volume_10d", "avg_volume_5d"], data.Select(p => p.Key));
        return (PythonInt(data["avg_volume_30d"]), PythonInt(data["avg_volume_10d"]), PythonInt(data["avg_volume_5d"]));
    }

    /// <summary>services/websocket_server/src/cache_cleaner.js: acts only on this exact event and action.</summary>
    public static bool WebsocketServerClearsCaches(string message)
    {
        var data = JsonNode.Parse(message)!.AsObject();
        return data["event"]?.GetValue<string>() == "new_trading_day" && data["action"]?.GetValue<string>() == "clear_caches";
    }

    /// <summary>Python's <c>date.fromisoformat</c>: exactly <c>YYYY-MM-DD</c>.</summary>
    public static DateOnly FromIsoDate(string text)
    {
        Assert.Matches(IsoDate(), text);
        return DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Python's <c>datetime.fromisoformat</c> before 3.11 (what <c>isoformat()</c> writes: 3 or 6 fraction digits,
    /// <c>+HH:MM</c>, no <c>Z</c>); 3.11 and pydantic accept more, never less.
    /// </summary>
    public static DateTimeOffset FromIsoDateTime(string text)
    {
        Assert.Matches(IsoDateTime(), text);
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    private static double PythonFloat(JsonNode node)
    {
        Assert.Equal(JsonValueKind.Number, node.GetValueKind());
        return node.GetValue<double>();
    }

    private static long? PythonInt(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        Assert.True(TickerMetadataModel.IsInteger(node), $"{node.ToJsonString()} is not an integer");
        return node.GetValue<long>();
    }

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    private static partial Regex IsoDate();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.([0-9]{3}|[0-9]{6}))?[+-][0-9]{2}:[0-9]{2}$")]
    private static partial Regex IsoDateTime();
}

/// <summary>
/// shared/models/scanner.py <c>TickerMetadata</c> (pydantic 2.5), the fields of the v2 model and of today's head,
/// with the JSON each accepts as this maintenance writes it: <c>Optional[str]</c> only a string (pydantic does not
/// turn numbers into strings), the ints integers, floats numbers, <c>address</c> an object of strings,
/// <c>updated_at</c> an ISO 8601 date-time.
/// </summary>
public static class TickerMetadataModel
{
    public enum Kind
    {
        Text,
        WholeNumber,
        RealNumber,
        Boolean,
        TextDictionary,
        DateTime,
        Date,
    }

    public static readonly IReadOnlyDictionary<string, Kind> Fields = new Dictionary<string, Kind>(StringComparer.Ordinal)
    {
        ["symbol"] = Kind.Text,
        ["company_name"] = Kind.Text,
        ["exchange"] = Kind.Text,
        ["sector"] = Kind.Text,
        ["industry"] = Kind.Text,
        ["market_cap"] = Kind.WholeNumber,
        ["float_shares"] = Kind.WholeNumber, // v2
        ["free_float"] = Kind.WholeNumber, // head
        ["free_float_percent"] = Kind.RealNumber, // head
        ["shares_outstanding"] = Kind.WholeNumber,
        ["avg_volume_30d"] = Kind.WholeNumber,
        ["avg_volume_10d"] = Kind.WholeNumber,
        ["avg_volume_5d"] = Kind.WholeNumber, // head
        ["avg_volume_3m"] = Kind.WholeNumber, // head
        ["avg_price_30d"] = Kind.RealNumber,
        ["beta"] = Kind.RealNumber,
        ["description"] = Kind.Text,
        ["homepage_url"] = Kind.Text,
        ["phone_number"] = Kind.Text,
        ["address"] = Kind.TextDictionary,
        ["total_employees"] = Kind.WholeNumber,
        ["list_date"] = Kind.Date,
        ["logo_url"] = Kind.Text,
        ["icon_url"] = Kind.Text,
        ["cik"] = Kind.Text,
        ["composite_figi"] = Kind.Text,
        ["share_class_figi"] = Kind.Text,
        ["ticker_root"] = Kind.Text,
        ["ticker_suffix"] = Kind.Text,
        ["type"] = Kind.Text,
        ["currency_name"] = Kind.Text,
        ["locale"] = Kind.Text,
        ["market"] = Kind.Text,
        ["round_lot"] = Kind.WholeNumber,
        ["delisted_utc"] = Kind.DateTime,
        ["is_etf"] = Kind.Boolean,
        ["is_actively_trading"] = Kind.Boolean,
        ["updated_at"] = Kind.DateTime,
    };

    /// <summary>Keys beside the model, ignored by pydantic, kept for this project's earlier readers.</summary>
    public static readonly IReadOnlyDictionary<string, Kind> Extras = new Dictionary<string, Kind>(StringComparer.Ordinal)
    {
        ["name"] = Kind.Text,
        ["active"] = Kind.Boolean,
    };

    /// <summary>Throws (an assertion) on a key of neither the model nor the extras, a null, or a value of the wrong JSON type.</summary>
    public static void Validate(JsonObject data)
    {
        Assert.True(data["symbol"] is not null, "symbol is required");
        foreach (var (key, value) in data)
        {
            Assert.True(Fields.TryGetValue(key, out var kind) || Extras.TryGetValue(key, out kind), $"{key} is in neither TickerMetadata model");
            Assert.True(value is not null, $"{key} is null: nulls are left out");
            Assert.True(Accepts(kind, value!), $"{key} = {value!.ToJsonString()} is not a {kind}");
        }
    }

    public static bool IsInteger(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.Number && !node.ToJsonString().AsSpan().ContainsAny(".eE");

    private static bool Accepts(Kind kind, JsonNode value) => kind switch
    {
        Kind.Text => value.GetValueKind() == JsonValueKind.String,
        Kind.WholeNumber => IsInteger(value),
        Kind.RealNumber => value.GetValueKind() == JsonValueKind.Number,
        Kind.Boolean => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        Kind.TextDictionary => value is JsonObject o && o.All(p => p.Value?.GetValueKind() == JsonValueKind.String),
        Kind.DateTime => value.GetValueKind() == JsonValueKind.String && PlatformReaders.FromIsoDateTime(value.GetValue<string>()) != default,
        Kind.Date => value.GetValueKind() == JsonValueKind.String && PlatformReaders.FromIsoDate(value.GetValue<string>()) != default,
        _ => false,
    };
}
