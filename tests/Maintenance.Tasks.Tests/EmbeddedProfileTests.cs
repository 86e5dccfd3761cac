using Maintenance.Tasks.Tests.Support;
using Maintenance.Testing;

namespace Maintenance.Tasks.Tests;

using Maintenance.Contracts;

/// <summary>The embedded profile: the same tasks on a SQLite file and an in-process Garnet instead of PostgreSQL and Redis.</summary>
public sealed class EmbeddedProfileTests(PostgresServer postgres, RedisServer redis, RabbitMqServer rabbitMq, SampleFiles sample)
    : TaskTestBase(postgres, redis, rabbitMq, sample)
{
    private static readonly DateOnly Target = SampleFiles.Target;

    [Fact]
    public async Task All_eight_tasks_pass_on_sqlite_and_garnet_and_a_second_round_skips_every_one()
    {
        await using var garnet = await EmbeddedGarnet.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "tasks-sqlite-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = Settings();
        settings.Remove("ConnectionStrings:Postgres");
        settings["Storage:SqlitePath"] = Path.Combine(folder, "maintenance.db");
        settings["ConnectionStrings:Redis"] = garnet.ConnectionString;
        settings["Tasks:EnrichMetadata:RateLimit"] = "1000";
        try
        {
            var worker = await StartWorkerAsync(settings, true, null, [.. MaintenanceSteps.InOrder]);
            var rounds = new List<List<MaintenanceStepCompleted>>();
            for (var round = 0; round < 2; round++)
            {
                var answers = new List<MaintenanceStepCompleted>();
                // The notification announces on every run; the data steps are what must skip the second time.
                foreach (var step in MaintenanceSteps.InOrder.Where(s => s != MaintenanceStep.NotifyServices))
                {
                    var runId = Guid.NewGuid();
                    await worker.SendAsync(step, Command(step, runId));
                    var answer = await worker.Inbox!.NextAsync(runId);
                    answers.Add(answer as MaintenanceStepCompleted ?? throw new Xunit.Sdk.XunitException($"{step}: {answer}"));
                }

                rounds.Add(answers);
            }

            Assert.All(rounds[0], a => Assert.True(a.Validation.Passed, a.Validation.Verdict));
            // ClearCaches has nothing to clear on a fresh Garnet, so it is the one step that skips in the first round.
            Assert.Equal([true, false, false, false, false, false, false, false], rounds[0].Select(a => a.Skipped));
            Assert.All(rounds[1], a => Assert.True(a.Skipped, a.Validation.Verdict));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static RunMaintenanceStep Command(MaintenanceStep step, Guid runId) => new(runId, Target, 1, step);
}
