namespace Maintenance.Tasks.Tests.Support;

/// <summary>Where a task test's worker keeps its data.</summary>
public enum TestStores
{
    /// <summary>The embedded profile's stores: a SQLite file and an in-process Garnet, so the test needs no server.</summary>
    Embedded,

    /// <summary>A fresh PostgreSQL database and a leased Redis database on the test servers, for SQL that differs.</summary>
    Servers,
}
