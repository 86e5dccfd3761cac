namespace Maintenance.Tasks.SyncRedis;

/// <summary>The session, the XXH3 128-bit hash of every metadata and average key and value, and their counts, as last written whole.</summary>
/// <remarks>A marker of the SHA-256 checksums written before never equals one of these: the first run after the change writes the keys once more.</remarks>
public sealed record SyncMarker(DateOnly Session, string Checksum, int MetadataKeys, int AvgVolumeKeys);
