using Maintenance.Benchmarks.Bench;

namespace Maintenance.Benchmarks.Tests.Bench;

/// <summary>Which targets a bench's runs are judged by.</summary>
public sealed class BenchTargetsTests
{
    [Fact]
    public void A_step_over_its_floor_fails_its_target_from_files_but_over_rest_is_judged_by_the_stand_in_alone()
    {
        var fromFiles = Run(BenchReport.NextDay, seconds: 8, ratio: 1.6);
        var overRest = Run(BenchReport.NextDayOverRest, seconds: 12, ratio: 9.0);

        var checks = BenchReport.Check([fromFiles, overRest], memory: [], rest: null);

        Assert.Equal(
            [
                ("next day, end to end", true),
                ("next day: load-volume-slots vs its floor", false),
                ("next day, D over REST, end to end", false),
            ],
            checks.Select(c => (c.Target, c.Met)));
        Assert.Equal("1.60x", checks[1].Actual);
    }

    private static BenchRunReport Run(string name, double seconds, double ratio) =>
        new(name, Succeeded: true, Reason: null, Attempt: 1, EndToEndSeconds: seconds, SagaSeconds: seconds, LoadBefore: null, LoadAfter: null,
        [
            new StepReport("load-volume-slots", "success", Skipped: false, WallSeconds: 1.6, WorkSeconds: 1.5, Units: 800_000, Unit: "rows",
                PerSecond: 500_000, FloorSeconds: 1.0, FloorBasis: "copy_volume_slots", Ratio: ratio, ReaderRatio: null, Note: null, Metrics: null),
        ]);
}
