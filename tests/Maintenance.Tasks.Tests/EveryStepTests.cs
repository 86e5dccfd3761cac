using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

/// <summary>
/// Every step in order on one set of stores, twice: the first round passes, the second skips. The step tests run on the
/// embedded profile's stores; this chain runs on both, since the stores' SQL differs between SQLite and PostgreSQL.
/// </summary>
public abstract class EveryStepTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task All_eight_tasks_pass_and_a_second_round_skips_every_one()
    {
        var settings = Settings();
        settings["Tasks:EnrichMetadata:RateLimit"] = "1000";
        var worker = await StartWorkerAsync(settings, true, null, [.. MaintenanceSteps.InOrder]);
        var rounds = new List<List<MaintenanceStepCompleted>>();
        for (var round = 0; round < 2; round++)
        {
            var answers = new List<MaintenanceStepCompleted>();
            // The notification announces on every run; the data steps are what must skip the second time.
            foreach (var step in MaintenanceSteps.InOrder.Where(s => s != MaintenanceStep.NotifyServices))
            {
                answers.Add(await RunAsync(worker, step, runId => new RunMaintenanceStep(runId, Target, 1, step)));
            }

            rounds.Add(answers);
        }

        Assert.All(rounds[0], a => Assert.True(a.Validation.Passed, a.Validation.Verdict));
        // ClearCaches has nothing to clear in a fresh Redis, so it is the one step that skips in the first round.
        Assert.Equal([true, false, false, false, false, false, false, false], rounds[0].Select(a => a.Skipped));
        Assert.All(rounds[1], a => Assert.True(a.Skipped, a.Validation.Verdict));
    }
}

/// <summary>The chain on a SQLite file and an in-process Garnet: the embedded profile.</summary>
public sealed class EveryStepOnEmbeddedStoresTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : EveryStepTests(postgres, redis, rabbitMq, sample);

/// <summary>The chain on PostgreSQL and Redis: the servers' SQL (COPY, upserts) and commands.</summary>
public sealed class EveryStepOnServersTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : EveryStepTests(postgres, redis, rabbitMq, sample)
{
    protected override TestStores Stores => TestStores.Servers;
}
