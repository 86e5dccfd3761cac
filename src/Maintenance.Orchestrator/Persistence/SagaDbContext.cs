using System.Text;
using System.Text.Json;
using Maintenance.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Maintenance.Orchestrator.Persistence;

/// <summary>
/// The saga's own tables, <c>maintenance_runs</c> and <c>maintenance_step_runs</c>, beside the data tables of the
/// same database (their context keeps its own migrations history; this one uses <see cref="MigrationsHistoryTable"/>).
/// </summary>
public sealed class SagaDbContext(DbContextOptions<SagaDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__saga_migrations_history";
    public const string RunsTable = "maintenance_runs";
    public const string StepRunsTable = "maintenance_step_runs";

    public DbSet<MaintenanceRun> Runs => Set<MaintenanceRun>();

    public DbSet<StepRun> StepRuns => Set<StepRun>();

    /// <summary>Every save of a run, or of any of its steps, bumps its version: two writers of one run cannot both win.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        ChangeTracker.DetectChanges();
        foreach (var run in ChangeTracker.Entries<MaintenanceRun>().Where(e => e.State != EntityState.Added && e.State != EntityState.Detached))
        {
            var stepsChanged = run.Entity.Steps.Any(s => Entry(s).State is EntityState.Added or EntityState.Modified or EntityState.Deleted);
            if (run.State is EntityState.Modified or EntityState.Deleted || stepsChanged)
            {
                var version = run.Property(r => r.Version);
                version.CurrentValue = version.OriginalValue + 1;
            }
        }

        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("The saga store saves asynchronously only.");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var runs = modelBuilder.Entity<MaintenanceRun>();
        runs.ToTable(RunsTable);
        runs.HasKey(r => r.CorrelationId);
        runs.Property(r => r.CurrentState).HasMaxLength(64);
        runs.Property(r => r.RequestedBy).HasMaxLength(200);
        runs.Property(r => r.Version).IsConcurrencyToken();
        runs.Ignore(r => r.CurrentSteps);
        runs.Ignore(r => r.IsActive);
        runs.Ignore(r => r.RunningSteps);
        runs.Ignore(r => r.AllStepsFinished);
        runs.HasIndex(r => r.TargetDate).IsUnique();
        runs.HasIndex(r => r.StartedAt);
        runs.HasMany(r => r.Steps).WithOne().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);

        var steps = modelBuilder.Entity<StepRun>();
        steps.ToTable(StepRunsTable);
        steps.HasKey(s => new { s.RunId, s.Attempt, s.Step });
        steps.Property(s => s.Step).HasConversion(StepNames).HasMaxLength(32);
        steps.Property(s => s.Status).HasConversion(StatusNames).HasMaxLength(16);
        steps.Property(s => s.Metrics).HasConversion(MetricsJson, MetricsComparer);
        steps.Property(s => s.Shards).HasConversion(ShardsJson, ShardsComparer);
        steps.Ignore(s => s.ProgressDone);
        steps.Ignore(s => s.ProgressTotal);
        steps.Ignore(s => s.ProgressUnit);
        if (Database.IsNpgsql())
        {
            steps.Property(s => s.Metrics).HasColumnType("jsonb");
            steps.Property(s => s.Shards).HasColumnType("jsonb");
        }

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
                if (Database.IsSqlite() && (property.ClrType == typeof(DateTimeOffset) || property.ClrType == typeof(DateTimeOffset?)))
                {
                    // SQLite cannot order or compare DateTimeOffset text; stored as UTC ticks it sorts like time.
                    property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
                }
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(key.IsPrimaryKey() ? $"pk_{entity.GetTableName()}" : key.GetName());
            }

            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName($"fk_{entity.GetTableName()}_{foreignKey.PrincipalEntityType.GetTableName()}");
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName($"ix_{entity.GetTableName()}_{string.Join("_", index.Properties.Select(p => SnakeCase(p.Name)))}");
            }
        }
    }

    private static readonly ValueConverter<MaintenanceStep, string> StepNames = new(
        step => step.QueueName(),
        name => ParseStep(name));

    private static readonly ValueConverter<StepStatus, string> StatusNames = new(
        status => StatusName(status),
        name => Enum.Parse<StepStatus>(name, true));

    private static readonly ValueConverter<Dictionary<string, double>?, string?> MetricsJson = new(
        metrics => metrics == null ? null : JsonSerializer.Serialize(metrics, JsonSerializerOptions.Default),
        json => json == null ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(json, JsonSerializerOptions.Default));

    private static readonly ValueComparer<Dictionary<string, double>?> MetricsComparer = new(
        (a, b) => a == null ? b == null : b != null && a.Count == b.Count && !a.Except(b).Any(),
        metrics => metrics == null ? 0 : metrics.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
        metrics => metrics == null ? null : new Dictionary<string, double>(metrics));

    private static readonly ValueConverter<List<ShardRun>, string> ShardsJson = new(
        shards => JsonSerializer.Serialize(shards, JsonSerializerOptions.Default),
        json => string.IsNullOrEmpty(json) ? new List<ShardRun>() : JsonSerializer.Deserialize<List<ShardRun>>(json, JsonSerializerOptions.Default) ?? new List<ShardRun>());

    // Shards are mutated in place (progress, answers): compare and snapshot them by their JSON.
    private static readonly ValueComparer<List<ShardRun>> ShardsComparer = new(
        (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Default) == JsonSerializer.Serialize(b, JsonSerializerOptions.Default),
        shards => JsonSerializer.Serialize(shards, JsonSerializerOptions.Default).GetHashCode(StringComparison.Ordinal),
        shards => JsonSerializer.Deserialize<List<ShardRun>>(JsonSerializer.Serialize(shards, JsonSerializerOptions.Default), JsonSerializerOptions.Default)!);

    /// <summary>The lower-case name of the Redis status contract: <c>success</c>.</summary>
    public static string StatusName(StepStatus status) => status.ToString().ToLowerInvariant();

    private static MaintenanceStep ParseStep(string name) =>
        MaintenanceSteps.TryParse(name, out var step) ? step : throw new InvalidOperationException($"'{name}' in the saga store names no maintenance step.");

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
