using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Maintenance.Core;
using Maintenance.Data.Storage;

namespace Maintenance.Data.Redis;

/// <summary>
/// The JSON of the keys and messages the platform's services read with their own code (docs/downstream-contract.md).
/// Names, JSON types and formats are theirs: change nothing here without the readers.
/// </summary>
public static class DownstreamJson
{
    /// <summary>Nulls left out (a reader's model default applies), Python floats and instants.</summary>
    public static readonly JsonSerializerOptions WithoutNulls = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // The values go to Redis, not into HTML: "+00:00" stays "+00:00" rather than "\u002B00:00", as Python writes it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new PythonJson.FloatConverter(), new PythonJson.InstantConverter() },
    };

    /// <summary>Nulls written as <c>null</c> (as <c>json.dumps</c> of a dict holding None).</summary>
    public static readonly JsonSerializerOptions WithNulls = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new PythonJson.FloatConverter(), new PythonJson.InstantConverter() },
    };

    public static byte[] Serialize(TickerMetadataDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, WithoutNulls);

    public static byte[] Serialize(AvgVolumeDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, WithNulls);

    public static byte[] Serialize(AtrDailyDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, WithNulls);

    /// <summary>
    /// Builds the serializers of the documents written by the thousand (by reflection, the first time each is
    /// serialized) and discards what they produce: nothing is written anywhere. One value of every property type is
    /// set, so each converter is built too.
    /// </summary>
    public static void Prepare()
    {
        _ = Serialize(new TickerMetadataDocument
        {
            Symbol = "",
            MarketCap = 0,
            FreeFloatPercent = 0,
            TotalEmployees = 0,
            Address = new TickerAddress("", null, null, null),
            ListDate = default(DateOnly),
            DelistedUtc = default(DateTimeOffset),
        });
        _ = Serialize(new AvgVolumeDocument(0, 0, 0));
        _ = Serialize(new AtrDailyDocument(0, 0, default));
    }

    /// <summary><c>atr:{SYMBOL}</c>: the ATR as <c>str(round(atr, 4))</c> of the v2 orchestrator.</summary>
    public static string AtrString(double atr) => PythonJson.Number(Math.Round(atr, 4, MidpointRounding.ToEven));

    /// <summary><c>trading:new_day</c>: the only shape the websocket server acts on (<c>cache_cleaner.js</c>).</summary>
    public static string NewTradingDay(DateOnly session) =>
        JsonSerializer.Serialize(new NewTradingDayEvent("new_trading_day", "clear_caches", PythonJson.Date(session)), WithNulls);

    /// <summary><c>maintenance:completed</c>: the Python <c>notify_services</c> message.</summary>
    public static string MaintenanceCompleted(DateOnly target, DateTimeOffset timestamp) =>
        JsonSerializer.Serialize(new MaintenanceCompletedEvent("maintenance_completed", PythonJson.Date(target), PythonJson.Instant(timestamp)), WithNulls);

    private sealed record NewTradingDayEvent(
        [property: JsonPropertyName("event")] string Event,
        [property: JsonPropertyName("action")] string Action,
        [property: JsonPropertyName("date")] string Date);

    private sealed record MaintenanceCompletedEvent(
        [property: JsonPropertyName("event")] string Event,
        [property: JsonPropertyName("date")] string Date,
        [property: JsonPropertyName("timestamp")] string Timestamp);
}
