using Maintenance.Data.Schema;
using Maintenance.Testing;
using Microsoft.EntityFrameworkCore;

namespace Maintenance.Host.Tests.Smoke;

public sealed class EfMigrationSmokeTests(PostgresServer postgres)
{
    [Fact]
    public async Task The_migrations_apply_to_a_fresh_PostgreSQL_database_and_a_row_round_trips()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await postgres.CreateDatabaseAsync(ct);
        var options = new DbContextOptionsBuilder<MaintenanceDbContext>()
            .UseNpgsql(connectionString, n => n.MigrationsHistoryTable(DatabaseSchema.MigrationsHistoryTable))
            .Options;

        await using (var context = new MaintenanceDbContext(options))
        {
            await DatabaseSchema.EnsureAsync(context, ct);

            Assert.NotEmpty(context.Database.GetMigrations());
            Assert.Equal(context.Database.GetMigrations(), await context.Database.GetAppliedMigrationsAsync(ct));
            Assert.Empty(await context.Database.GetPendingMigrationsAsync(ct));

            context.DailyBars.Add(new DailyBarRow
            {
                Symbol = "AAPL",
                TradingDate = new DateOnly(2025, 12, 2),
                Open = 283.0,
                High = 287.4,
                Low = 282.63,
                Close = 286.19,
                Volume = 53_669_532,
                Vwap = 285.61,
                Trades = 712_345,
            });
            await context.SaveChangesAsync(ct);
        }

        await using (var context = new MaintenanceDbContext(options))
        {
            var bar = await context.DailyBars.SingleAsync(ct);

            Assert.Equal("AAPL", bar.Symbol);
            Assert.Equal(new DateOnly(2025, 12, 2), bar.TradingDate);
            Assert.Equal(286.19, bar.Close);
            Assert.Equal(53_669_532, bar.Volume);
            Assert.Equal(285.61, bar.Vwap);
            Assert.Equal(712_345, bar.Trades);
        }
    }
}
