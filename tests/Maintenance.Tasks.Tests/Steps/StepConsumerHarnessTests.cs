using MassTransit;
using MassTransit.Testing;
using Maintenance.Contracts;
using Maintenance.Tasks.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maintenance.Tasks.Tests.Steps;

/// <summary>
/// The one consumer every step runs in, on MassTransit's in-memory test harness (no servers): how it answers the saga
/// for a step it has never heard of. A step is a class implementing <see cref="IStepService"/>; this test's step is
/// hosted by the same two calls that host the real ones.
/// </summary>
public sealed class StepConsumerHarnessTests
{
    private static readonly DateOnly Target = new(2025, 12, 2);

    [Fact]
    public async Task A_step_service_is_hosted_on_its_queue_and_its_result_and_progress_reach_the_saga()
    {
        await using var provider = Harness(new RecordingStep(_ => StepResult.Done(new StepValidation(true, "3 widgets, all checks held"), new Dictionary<string, double> { ["widgets"] = 3 })));
        var harness = await StartAsync(provider);
        var command = new RunMaintenanceStep(Guid.NewGuid(), Target, 2, RecordingStep.Kind, Shard: 1, ShardCount: 2);

        await SendAsync(harness, command);

        var completed = Assert.Single(harness.Published.Select<MaintenanceStepCompleted>(TestContext.Current.CancellationToken)).Context.Message;
        Assert.Equal((command.RunId, Target, 2, RecordingStep.Kind, 1, 2, false), (completed.RunId, completed.TargetDate, completed.Attempt, completed.Step, completed.Shard, completed.ShardCount, completed.Skipped));
        Assert.Equal("3 widgets, all checks held", completed.Validation.Verdict);
        Assert.Equal(3, completed.Metrics["widgets"]);
        var progress = Assert.Single(harness.Published.Select<MaintenanceStepProgress>(TestContext.Current.CancellationToken)).Context.Message;
        Assert.Equal((command.RunId, 1, 7L, 10L, "widgets"), (progress.RunId, progress.Shard, progress.Done, progress.Total, progress.Unit));
        Assert.False(await harness.Published.Any<MaintenanceStepFailed>(TestContext.Current.CancellationToken));
        Assert.Equal(command.RunId, provider.GetRequiredService<RecordingStep>().Commands.Single().RunId);
    }

    [Fact]
    public async Task A_failed_self_check_answers_step_failed_at_once_without_retrying()
    {
        await using var provider = Harness(new RecordingStep(_ => StepResult.Done(new StepValidation(false, "2 of 3 widgets rejected (threshold 1)"), new Dictionary<string, double>())));
        var harness = await StartAsync(provider);

        await SendAsync(harness, new RunMaintenanceStep(Guid.NewGuid(), Target, 1, RecordingStep.Kind));

        var failed = Assert.Single(harness.Published.Select<MaintenanceStepFailed>(TestContext.Current.CancellationToken)).Context.Message;
        Assert.Equal((RecordingStep.Kind, "2 of 3 widgets rejected (threshold 1)", false), (failed.Step, failed.Reason, failed.Retryable));
        Assert.Single(provider.GetRequiredService<RecordingStep>().Commands);
        Assert.False(await harness.Published.Any<MaintenanceStepCompleted>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Unusable_input_fails_at_once_and_a_transient_fault_is_retried_then_reported_retryable()
    {
        await using var unusable = Harness(new RecordingStep(_ => throw new StepInputException("2025-12-06 is not a NYSE trading day")));
        var first = await StartAsync(unusable);
        await SendAsync(first, new RunMaintenanceStep(Guid.NewGuid(), Target, 1, RecordingStep.Kind));
        var refused = Assert.Single(first.Published.Select<MaintenanceStepFailed>(TestContext.Current.CancellationToken)).Context.Message;
        Assert.Equal(("2025-12-06 is not a NYSE trading day", false), (refused.Reason, refused.Retryable));
        Assert.Single(unusable.GetRequiredService<RecordingStep>().Commands);

        await using var flaky = Harness(new RecordingStep(_ => throw new TimeoutException("the database did not answer")));
        var second = await StartAsync(flaky);
        await SendAsync(second, new RunMaintenanceStep(Guid.NewGuid(), Target, 1, RecordingStep.Kind));
        Assert.True(await second.Published.Any<MaintenanceStepFailed>(TestContext.Current.CancellationToken));
        var gaveUp = second.Published.Select<MaintenanceStepFailed>(TestContext.Current.CancellationToken).Single().Context.Message;
        Assert.Equal(("TimeoutException: the database did not answer", true), (gaveUp.Reason, gaveUp.Retryable));
        // Two retries configured: three tries in all.
        Assert.Equal(3, flaky.GetRequiredService<RecordingStep>().Commands.Count);
    }

    [Fact]
    public async Task A_command_for_another_step_on_this_queue_is_refused_without_an_answer()
    {
        await using var provider = Harness(new RecordingStep(_ => throw new InvalidOperationException("must not run")));
        var harness = await StartAsync(provider);

        await SendAsync(harness, new RunMaintenanceStep(Guid.NewGuid(), Target, 1, MaintenanceStep.LoadOhlc));

        Assert.True(await harness.Published.Any<Fault<RunMaintenanceStep>>(TestContext.Current.CancellationToken));
        Assert.Empty(provider.GetRequiredService<RecordingStep>().Commands);
        Assert.False(await harness.Published.Any<MaintenanceStepCompleted>(TestContext.Current.CancellationToken));
    }

    private static ServiceProvider Harness(RecordingStep step)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tasks:Retry:Intervals:0"] = "00:00:00.010",
            ["Tasks:Retry:Intervals:1"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        TasksRegistration.AddOptions<TaskRetryOptions>(services, configuration, TaskRetryOptions.Section, _ => null);
        services.AddSingleton(step);
        services.AddMassTransitTestHarness(x => TasksRegistration.AddConsumer<RecordingStep>(x));
        return services.BuildServiceProvider(true);
    }

    private static async Task<ITestHarness> StartAsync(ServiceProvider provider)
    {
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return harness;
    }

    private static async Task SendAsync(ITestHarness harness, RunMaintenanceStep command)
    {
        var endpoint = await harness.Bus.GetSendEndpoint(new Uri("queue:" + RecordingStep.Kind.QueueName()));
        await endpoint.Send(command, TestContext.Current.CancellationToken);
        Assert.True(await harness.Consumed.Any<RunMaintenanceStep>(TestContext.Current.CancellationToken));
        await harness.InactivityTask;
    }

    /// <summary>A step of this test's own: does what it is told and records each command it ran.</summary>
    public sealed class RecordingStep(Func<RunMaintenanceStep, StepResult> work) : IStepService
    {
        public static MaintenanceStep Kind => MaintenanceStep.NotifyServices;

        public List<RunMaintenanceStep> Commands { get; } = [];

        public Task<StepResult> RunAsync(RunMaintenanceStep command, StepProgress progress, CancellationToken cancellationToken)
        {
            Commands.Add(command);
            progress.Report(7, 10, "widgets");
            return Task.FromResult(work(command));
        }
    }
}
