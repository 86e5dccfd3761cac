using Maintenance.Data;
using Maintenance.Data.Schema;
using Maintenance.Orchestrator.Persistence;
using Maintenance.Testing;
using Microsoft.EntityFrameworkCore;

namespace Maintenance.Host.Tests.Processes;

/// <summary>Replicas that start together on a database that does not exist yet: all of them come up, none logs a failure.</summary>
public sealed class SchemaRaceTests(PostgresServer postgres)
{
    [Fact]
    public async Task Two_migrations_racing_on_a_new_database_both_succeed_and_apply_every_migration_once()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 3; round++)
        {
            var connectionString = await postgres.ReserveDatabaseAsync();
            using var start = new Barrier(2);

            var racers = Enumerable.Range(0, 2).Select(_ => Task.Run(
                () =>
                {
                    start.SignalAndWait(ct);
                    return PostgresSchemaLock.RunAsync(connectionString, c => MigrateBothAsync(connectionString, c), ct);
                },
                ct));
            await Task.WhenAll(racers);

            await using var market = MarketContext(connectionString);
            await using var saga = SagaContext(connectionString);
            Assert.Equal(market.Database.GetMigrations(), await market.Database.GetAppliedMigrationsAsync(ct));
            Assert.Equal(saga.Database.GetMigrations(), await saga.Database.GetAppliedMigrationsAsync(ct));
        }
    }

    [Fact]
    public async Task Two_migrate_processes_started_together_on_a_new_database_both_exit_0_without_a_failure_line()
    {
        var connectionString = await postgres.ReserveDatabaseAsync();
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = connectionString };

        await using var first = MaintenanceProcess.Start(["migrate"], environment);
        await using var second = MaintenanceProcess.Start(["migrate"], environment);
        var exits = await Task.WhenAll(first.WaitForExitAsync(TimeSpan.FromMinutes(2)), second.WaitForExitAsync(TimeSpan.FromMinutes(2)));

        var output = first.Output + "\n---\n" + second.Output;
        Assert.True(exits.All(e => e == 0), $"exit codes {string.Join(", ", exits)}:\n{output}");
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("42P04", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("schema up to date").Length - 1);
    }

    private static async Task MigrateBothAsync(string connectionString, CancellationToken ct)
    {
        await using var market = MarketContext(connectionString);
        await DatabaseSchema.EnsureAsync(market, ct);
        await using var saga = SagaContext(connectionString);
        await SagaDatabase.EnsureSchemaAsync(saga, ct);
    }

    private static MaintenanceDbContext MarketContext(string connectionString) =>
        new(new DbContextOptionsBuilder<MaintenanceDbContext>()
            .UseNpgsql(connectionString, n => n.MigrationsHistoryTable(DatabaseSchema.MigrationsHistoryTable))
            .Options);

    private static SagaDbContext SagaContext(string connectionString)
    {
        var options = new DbContextOptionsBuilder<SagaDbContext>();
        MaintenanceDatabase.Postgres(connectionString).Configure(options, SagaDbContext.MigrationsHistoryTable);
        return new SagaDbContext(options.Options);
    }
}
