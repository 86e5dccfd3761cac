using System.Data;
using MassTransit;
using MassTransit.Saga;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Maintenance.Orchestrator.Persistence;

/// <summary>
/// Our saga repository for <see cref="MaintenanceRun"/> over EF Core (MassTransit's own EF package is not available
/// here). MassTransit resolves it per message in a DI scope. Each message is handled in one ReadCommitted
/// transaction: on PostgreSQL the run's row is locked with <c>SELECT ... FOR UPDATE</c> before it is read, so
/// concurrent events on one run queue up; SQLite has no row locks, but its transactions take the write lock at
/// BEGIN and the <see cref="MaintenanceRun.Version"/> token rejects a stale write. A conflict surfaces as an
/// exception and the endpoint's message retry runs the message again on fresh state.
/// </summary>
public sealed class MaintenanceRunSagaRepository(
    SagaDbContext db,
    ISagaConsumeContextFactory<SagaDbContext, MaintenanceRun> factory,
    ILogger<MaintenanceRunSagaRepository> log) : ISagaRepositoryContextFactory<MaintenanceRun>
{
    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Add("persistence", "maintenance-runs (EF Core)");
        context.Add("provider", db.Database.ProviderName ?? "unknown");
    }

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<MaintenanceRun, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        // A retried message may reuse this scope's context: never let a failed attempt's entities answer the next read.
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, context.CancellationToken);
        var repositoryContext = new MaintenanceRunRepositoryContext<T>(db, context, factory, log);
        await next.Send(repositoryContext);
        await transaction.CommitAsync(context.CancellationToken);
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<MaintenanceRun> query, IPipe<SagaRepositoryQueryContext<MaintenanceRun, T>> next)
        where T : class =>
        throw new NotSupportedException("Maintenance runs are correlated by their id (RunIds.ForDate), never by query.");

    /// <summary>A primary-key clash: another message created the same run first.</summary>
    internal static bool IsDuplicateKey(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 1555 or 2067,
        _ => false,
    };
}
