namespace Maintenance.Data;

public enum DatabaseProvider
{
    /// <summary>The distributed profile: ConnectionStrings:Postgres is set.</summary>
    Postgres,

    /// <summary>The embedded profile: one SQLite file (Storage:SqlitePath).</summary>
    Sqlite,
}
