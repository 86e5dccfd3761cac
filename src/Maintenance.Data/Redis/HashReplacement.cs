using StackExchange.Redis;

namespace Maintenance.Data.Redis;

/// <summary>One hash to write whole: the fields that replace whatever the key held.</summary>
public sealed record HashReplacement(RedisKey Key, HashEntry[] Fields);
