using System.Text.Json.Serialization;
using Maintenance.Core;

namespace Maintenance.Data.Redis;

/// <summary><c>ticker:avg_volume:{SYMBOL}</c>, as the Python <c>sync_redis</c> wrote it: integers, null when unknown.</summary>
public sealed record AvgVolumeDocument(
    [property: JsonPropertyName("avg_volume_30d")] long? AvgVolume30d,
    [property: JsonPropertyName("avg_volume_10d")] long? AvgVolume10d,
    [property: JsonPropertyName("avg_volume_5d")] long? AvgVolume5d)
{
    public static AvgVolumeDocument From(VolumeAverage averages)
    {
        ArgumentNullException.ThrowIfNull(averages);
        return new AvgVolumeDocument(averages.AvgVolume30d, averages.AvgVolume10d, averages.AvgVolume5d);
    }
}
