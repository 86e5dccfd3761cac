using Maintenance.Data.Postgres;
using Maintenance.Data.Redis;
using Maintenance.Data.Schema;
using Maintenance.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using Maintenance.Data.Storage;

namespace Maintenance.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// The database (PostgreSQL when ConnectionStrings:Postgres is set, else SQLite at Storage:SqlitePath, default
    /// <c>.maintenance/maintenance.db</c>), <see cref="MaintenanceDbContext"/>, <see cref="IMarketStore"/>, and the Redis
    /// connection (ConnectionStrings:Redis, read when first used so a host can point it at its embedded server) with
    /// <see cref="RedisStore"/>. Apply the schema with <see cref="DatabaseSchema.EnsureAsync(IServiceProvider, CancellationToken)"/>.
    /// </summary>
    public static IServiceCollection AddMaintenanceData(this IServiceCollection services, IConfiguration configuration)
    {
        var database = services.AddMaintenanceStorage(configuration);
        services.AddDbContext<MaintenanceDbContext>(options => database.Configure(options, DatabaseSchema.MigrationsHistoryTable));
        if (database.Provider == DatabaseProvider.Postgres)
        {
            services.TryAddSingleton(database.PostgresDataSource);
            services.AddSingleton<IMarketStore, PostgresMarketStore>();
        }
        else
        {
            services.AddSingleton<IMarketStore, SqliteMarketStore>();
        }

        return services;
    }

    /// <summary>
    /// The one place that decides which database and which Redis this process uses: the <see cref="MaintenanceDatabase"/>
    /// (PostgreSQL when ConnectionStrings:Postgres is set, else the SQLite file) and the Redis connection
    /// (ConnectionStrings:Redis, read when first used so a host can point it at its embedded server) with
    /// <see cref="RedisStore"/>. Safe to call from every part of a process: the first call decides.
    /// </summary>
    /// <returns>The process's database.</returns>
    public static MaintenanceDatabase AddMaintenanceStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(MaintenanceDatabase))?.ImplementationInstance is MaintenanceDatabase decided)
        {
            return decided;
        }

        var database = MaintenanceDatabase.FromConfiguration(configuration);
        services.AddSingleton(database);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IConnectionMultiplexer>(_ =>
        {
            var redis = configuration.GetConnectionString("Redis");
            if (string.IsNullOrWhiteSpace(redis))
            {
                throw new InvalidOperationException(
                    "ConnectionStrings:Redis is not set: name a Redis server, or let the host start its embedded one.");
            }

            var options = ConfigurationOptions.Parse(redis);
            // Start even while Redis is away and reconnect by itself; /health reports it meanwhile.
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        services.TryAddSingleton<RedisStore>();
        return database;
    }
}
