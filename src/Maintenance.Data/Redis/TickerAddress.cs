using System.Text.Json.Serialization;

namespace Maintenance.Data.Redis;

/// <summary>One address of <see cref="TickerMetadataDocument"/>: the model's <c>Dict[str, str]</c>, so only present parts.</summary>
public sealed record TickerAddress(
    [property: JsonPropertyName("address1")] string? Address1,
    [property: JsonPropertyName("city")] string? City,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("postal_code")] string? PostalCode);
