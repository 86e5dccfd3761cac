using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Maintenance.Orchestrator.Persistence;

/// <summary>The repository's view of one message: load, insert, save and update one run in the open transaction.</summary>
public sealed class MaintenanceRunRepositoryContext<T> : ConsumeContextScope<T>, SagaRepositoryContext<MaintenanceRun, T>
    where T : class
{
    private readonly SagaDbContext db;
    private readonly ConsumeContext<T> context;
    private readonly ISagaConsumeContextFactory<SagaDbContext, MaintenanceRun> factory;
    private readonly ILogger log;

    public MaintenanceRunRepositoryContext(SagaDbContext db, ConsumeContext<T> context, ISagaConsumeContextFactory<SagaDbContext, MaintenanceRun> factory, ILogger log)
        : base(context, db)
    {
        this.db = db;
        this.context = context;
        this.factory = factory;
        this.log = log;
    }

    public Task<SagaConsumeContext<MaintenanceRun, T>> Add(MaintenanceRun instance) =>
        factory.CreateSagaConsumeContext(db, context, instance, SagaConsumeContextMode.Add);

    /// <summary>Inserts a new run at once; when it already exists (a concurrent first start) answers null so the caller loads it.</summary>
    public async Task<SagaConsumeContext<MaintenanceRun, T>> Insert(MaintenanceRun instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        db.Runs.Add(instance);
        try
        {
            await db.SaveChangesAsync(CancellationToken);
        }
        catch (DbUpdateException e) when (MaintenanceRunSagaRepository.IsDuplicateKey(e))
        {
            // EF rolled back to its savepoint; forget the instance so the load that follows sees the stored run.
            db.ChangeTracker.Clear();
            log.LogInformation("Run {RunId} already exists; loading it", instance.CorrelationId);
            return null!;
        }

        return await factory.CreateSagaConsumeContext(db, context, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<MaintenanceRun, T>> Load(Guid correlationId)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync(
                $"SELECT 1 FROM maintenance_runs WHERE correlation_id = {correlationId} FOR UPDATE",
                CancellationToken);
        }

        var run = await db.Runs.Include(r => r.Steps).SingleOrDefaultAsync(r => r.CorrelationId == correlationId, CancellationToken);
        return run is null
            ? null!
            : await factory.CreateSagaConsumeContext(db, context, run, SagaConsumeContextMode.Load);
    }

    public async Task Save(SagaConsumeContext<MaintenanceRun> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        db.Runs.Add(context.Saga);
        try
        {
            await db.SaveChangesAsync(CancellationToken);
        }
        catch (DbUpdateException e) when (MaintenanceRunSagaRepository.IsDuplicateKey(e))
        {
            throw new InvalidOperationException(
                $"Run {context.Saga.CorrelationId} was created by a concurrent message; this message is retried against it.", e);
        }
    }

    public Task Update(SagaConsumeContext<MaintenanceRun> context) => db.SaveChangesAsync(CancellationToken);

    public async Task Delete(SagaConsumeContext<MaintenanceRun> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        db.Runs.Remove(context.Saga);
        await db.SaveChangesAsync(CancellationToken);
    }

    public Task Discard(SagaConsumeContext<MaintenanceRun> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<MaintenanceRun> context)
    {
        db.ChangeTracker.Clear();
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<MaintenanceRun, TMessage>> CreateSagaConsumeContext<TMessage>(
        ConsumeContext<TMessage> consumeContext, MaintenanceRun instance, SagaConsumeContextMode mode)
        where TMessage : class =>
        factory.CreateSagaConsumeContext(db, consumeContext, instance, mode);
}
