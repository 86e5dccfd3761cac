using System.Text.Json.Serialization;
using Maintenance.Core;

namespace Maintenance.Data.Redis;

/// <summary>A value of the <c>atr:daily</c> hash; <see cref="Updated"/> is the session served (<see cref="ServedSession"/>).</summary>
public sealed record AtrDailyDocument(
    [property: JsonPropertyName("atr")] double Atr,
    [property: JsonPropertyName("atr_percent")] double AtrPercent,
    [property: JsonPropertyName("updated")] DateOnly Updated);
