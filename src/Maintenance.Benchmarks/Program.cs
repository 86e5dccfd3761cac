using Maintenance.Benchmarks.Bench;
using Spectre.Console.Cli;

// Each benchmark prints its figures; none asserts a time.
var name = args.Length > 0 ? args[0] : "";
var rest = args.Length > 0 ? args[1..] : [];
switch (name)
{
    // "core" => ..., "data" => ... : each area adds its own line.
    case "core": return Maintenance.Benchmarks.CoreBenchmarks.Run(rest);
    case "data": return await Maintenance.Benchmarks.DataBenchmark.RunAsync(rest);
    case "parse": return await Maintenance.Benchmarks.ParseBenchmark.RunAsync(rest);
    case "bench":
        var bench = new CommandApp<BenchCommand>();
        bench.Configure(c => c.SetApplicationName("Maintenance.Benchmarks bench"));
        return await bench.RunAsync(rest);
    default:
        Console.Error.WriteLine("usage: Maintenance.Benchmarks core|data|parse|bench [options]  (bench --help for its options)");
        return 2;
}
