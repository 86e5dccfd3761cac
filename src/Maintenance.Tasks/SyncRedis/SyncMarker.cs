namespace Maintenance.Tasks.SyncRedis;

/// <summary>The session, the SHA-256 of every metadata and average key and value, and their counts, as last written whole.</summary>
public sealed record SyncMarker(DateOnly Session, string Checksum, int MetadataKeys, int AvgVolumeKeys);
