namespace Channel.Persistence.Configuration;

public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file under the data directory; needs no set-up.</summary>
    Sqlite,

    /// <summary>Microsoft SQL Server, for production.</summary>
    SqlServer,

    /// <summary>PostgreSQL (Npgsql), for production; connection string in <c>ConnectionStrings:PostgreSql</c>.</summary>
    PostgreSql,
}
