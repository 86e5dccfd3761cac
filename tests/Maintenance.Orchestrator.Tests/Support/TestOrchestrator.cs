using System.Globalization;
using Maintenance.Contracts;
using Maintenance.Orchestrator.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Maintenance.Orchestrator.Tests.Support;

/// <summary>Where a test host's bus, saga store and Redis are, and which parts it runs.</summary>
public sealed record TestSetup
{
    /// <summary>A RabbitMQ virtual host; null for the in-memory transport.</summary>
    public Uri? RabbitMq { get; init; }

    public string RabbitMqUser { get; init; } = "guest";

    public string RabbitMqPassword { get; init; } = "guest";

    /// <summary>A PostgreSQL database; null for SQLite at <see cref="SqlitePath"/>.</summary>
    public string? Postgres { get; init; }

    public string SqlitePath { get; init; } = Path.Combine(Path.GetTempPath(), "orchestrator-tests", Guid.NewGuid().ToString("N"), "maintenance.db");

    public string? Redis { get; init; }

    public bool Saga { get; init; } = true;

    /// <summary>The scripted task workers on the step queues.</summary>
    public bool Workers { get; init; } = true;

    public TaskScript Script { get; init; } = new();

    public RunEvents Events { get; init; } = new();

    public TimeProvider? Clock { get; init; }

    public Dictionary<string, string?> Settings { get; init; } = [];

    /// <summary>Removes this setup's SQLite folder (the per-test temporary one).</summary>
    public void DeleteSqliteFolder()
    {
        if (Postgres is not null)
        {
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var folder = Path.GetDirectoryName(SqlitePath)!;
        if (folder.StartsWith(Path.Combine(Path.GetTempPath(), "orchestrator-tests"), StringComparison.Ordinal) && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public Dictionary<string, string?> Configuration()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Maintenance:Schedule:Enabled"] = "false",
            ["ConnectionStrings:Redis"] = Redis,
        };
        if (Postgres is not null)
        {
            settings["ConnectionStrings:Postgres"] = Postgres;
        }
        else
        {
            // Empty, not absent: a ConnectionStrings__Postgres in the environment must not turn this test onto a shared database.
            settings["ConnectionStrings:Postgres"] = "";
            settings["Storage:SqlitePath"] = SqlitePath;
        }

        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The orchestrator's services and a bus with the saga and/or the scripted workers, as the host wires them.</summary>
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(Script);
        services.AddSingleton(Events);
        if (Clock is not null)
        {
            services.AddSingleton(Clock);
        }

        if (Saga)
        {
            services.AddMaintenanceOrchestrator(configuration);
        }

        // A test publishes right after the start: every host's queues and bindings must exist by then.
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            if (Saga)
            {
                x.AddMaintenanceSaga();
            }

            // Each host listens to the run events on a queue of its own (a temporary-like name per host).
            x.AddConsumer<RunEventsConsumer>().Endpoint(e =>
            {
                e.Name = "test-run-events-" + Guid.NewGuid().ToString("N")[..8];
                e.Temporary = true;
            });

            if (RabbitMq is null)
            {
                x.UsingInMemory((context, bus) =>
                {
                    AddWorkers(bus, context);
                    bus.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingRabbitMq((context, bus) =>
                {
                    bus.Host(RabbitMq, h =>
                    {
                        h.Username(RabbitMqUser);
                        h.Password(RabbitMqPassword);
                    });
                    AddWorkers(bus, context);
                    bus.ConfigureEndpoints(context);
                });
            }
        });
    }

    /// <summary>The scripted workers: one endpoint per step queue, as a worker hosting every task has.</summary>
    private void AddWorkers(IReceiveConfigurator bus, IBusRegistrationContext context)
    {
        if (!Workers)
        {
            return;
        }

        var script = context.GetRequiredService<TaskScript>();
        foreach (var step in MaintenanceSteps.InOrder)
        {
            bus.ReceiveEndpoint(step.QueueName(), e => e.Consumer(() => new ScriptedTask(script)));
        }
    }
}

/// <summary>A running generic host built from a <see cref="TestSetup"/>.</summary>
public sealed class TestOrchestrator : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestOrchestrator(IHost host, TestSetup setup)
    {
        _host = host;
        Setup = setup;
    }

    public TestSetup Setup { get; }

    public IServiceProvider Services => _host.Services;

    public TaskScript Script => Setup.Script;

    public RunEvents Events => Setup.Events;

    public IBus Bus => _host.Services.GetRequiredService<IBus>();

    public static async Task<TestOrchestrator> StartAsync(TestSetup setup)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(setup.Configuration());
        builder.Logging.ClearProviders();
        if (FileLog.Path is { Length: > 0 } logPath)
        {
            builder.Logging.AddProvider(new FileLog(logPath));
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
            builder.Logging.AddFilter("Maintenance", LogLevel.Debug);
        }
        setup.Register(builder.Services, builder.Configuration);
        var host = builder.Build();
        if (setup.Saga)
        {
            await host.Services.EnsureSagaSchemaAsync(TestContext.Current.CancellationToken);
        }

        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TestOrchestrator(host, setup);
    }

    public Task PublishAsync<T>(T message)
        where T : class => Bus.Publish(message, TestContext.Current.CancellationToken);

    /// <summary>A fresh read of a run and its steps from the saga store.</summary>
    public async Task<MaintenanceRun?> LoadRunAsync(DateOnly date)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaDbContext>();
        return await db.Runs.AsNoTracking().Include(r => r.Steps).SingleOrDefaultAsync(r => r.TargetDate == date);
    }

    public async Task<int> CountRunsAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SagaDbContext>().Runs.CountAsync();
    }

    /// <summary>Waits until the run of <paramref name="date"/> satisfies <paramref name="condition"/>.</summary>
    public Task<MaintenanceRun> WaitForRunAsync(DateOnly date, Func<MaintenanceRun, bool> condition, string what, TimeSpan? timeout = null) =>
        RunEvents.WaitAsync(async () => await LoadRunAsync(date) is { } run && condition(run) ? run : null, $"run of {date:yyyy-MM-dd}: {what}", timeout);

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
        Setup.DeleteSqliteFolder();
    }

    public static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
