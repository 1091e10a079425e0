using AccountMetadata.Bench;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using AccountMetadata.Bench.Suite;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// scripts/bench (runs: Bench suite)                          the benchmark suite against the local stack
// dotnet run -c Release --project bench/Bench -- dispatch     grain dispatch micro-benchmark (BenchmarkDotNet)
// dotnet run -c Release --project bench/Bench -- memory [N]   managed heap per active account (slope N -> 2N)
// dotnet run -c Release --project bench/Bench -- write-modes [N]  item writes: unconditional batches vs conditional (stack needed)
// dotnet run -c Release --project bench/Bench -- load-modes [N]   cold account loads: Query per account vs BatchGetItem (stack needed)
// scripts/bench freshness [--accounts N] [--idle-seconds S] [--rate R] [--warmup-seconds W]  only the freshness
//                                                          measurement, on N accounts loaded first (and left without
//                                                          records for S seconds, as the suite's are), under R features/s
//                                                          (10,000) that ran W seconds (20) before the first probe;
//                                                          --allocations T prints the T types the silo allocates most
// scripts/bench ingest [--accounts N]                     only ingest, account-major: raw ceiling, cold silo, active grains
// scripts/bench restart [--accounts N]                    only the restart during a steady ingest, on N accounts loaded first
// scripts/bench reads [--accounts N]                      only the read path: hot (saturated and paced), direct, bare, batch-get, cold
// scripts/bench cold-reads [--accounts N] [--rounds R]     only the cold reads of R silos started afresh, with their loads
// scripts/bench read-allocations [--accounts N] [--top T]  the silo's allocations by type, hot reads against bare Kestrel
// scripts/bench telemetry-cost [--accounts N]             hot reads with OpenTelemetry against the same without it
// scripts/bench cluster-cost [--accounts N]               one silo, two, two with accounts placed by partition
// scripts/bench soak (runs: Bench soak)                     the soak: mixed load on --silos (2) for --minutes (30), heap and p99 over time
switch (args.FirstOrDefault())
{
    case "suite":
        var settings = new BenchSettings(
            Accounts: Option("--accounts", 50_000), NaiveMessages: Option("--naive", 100_000), MemoryAccounts: Option("--memory-accounts", 200_000),
            FreshnessRate: Option("--freshness-rate", 10_000), FreshnessWarmupSeconds: Option("--freshness-warmup-seconds", 20));
        var results = await new BenchSuite(settings).RunAsync();
        results.Set("command", string.Join(' ', ["scripts/bench", .. args[1..]]));
        var directory = Path.Combine(AccountMetadata.Testing.StackEndpoints.RepositoryRoot, "bench", "results");
        await results.WriteAsync(directory);
        Console.WriteLine();
        Console.WriteLine(results.Markdown());
        Console.WriteLine($"written: {Path.Combine(directory, "latest.json")} and latest.md");
        break;
    case "freshness":
        await new BenchSuite(new BenchSettings(
                Accounts: Option("--accounts", 10_000), FreshnessRate: Option("--rate", 10_000), FreshnessWarmupSeconds: Option("--warmup-seconds", 20)))
            .RunFreshnessAsync(TimeSpan.FromSeconds(Option("--idle-seconds", 0)), Option("--allocations", 0));
        break;
    case "ingest":
        await new BenchSuite(new BenchSettings(Accounts: Option("--accounts", 10_000)))
            .RunIngestAsync(TextOption("--order", "account-major") switch
            {
                "account-major" => MessageOrder.AccountMajor,
                "feature-major" => MessageOrder.FeatureMajor,
                var order => throw new ArgumentException($"--order {order}: account-major or feature-major"),
            });
        break;
    case "restart":
        await new BenchSuite(new BenchSettings(Accounts: Option("--accounts", 10_000))).RunRestartAsync();
        break;
    case "reads":
        await new BenchSuite(new BenchSettings(Accounts: Option("--accounts", 10_000))).RunReadsAsync();
        break;
    case "cold-reads":
        await new BenchSuite(new BenchSettings(Accounts: Option("--accounts", 10_000))).RunColdReadsAsync(Option("--rounds", 3));
        break;
    case "read-allocations":
        await new BenchSuite(new BenchSettings(Accounts: Option("--accounts", 10_000))).RunReadAllocationsAsync(Option("--top", 25));
        break;
    case "telemetry-cost":
        await new BenchSuite(new BenchSettings(Accounts: Option("--accounts", 10_000))).RunTelemetryCostAsync();
        break;
    case "cluster-cost":
        await new BenchSuite(new BenchSettings(Accounts: Option("--accounts", 10_000))).RunClusterCostAsync();
        break;
    case "soak":
        var soak = new AccountMetadata.Bench.Soak.SoakSettings(
            Duration: TimeSpan.FromMinutes(Option("--minutes", 30)),
            Silos: Option("--silos", 2),
            Accounts: Option("--accounts", 20_000),
            IngestPerSecond: Option("--ingest", 2_000),
            ReadsPerSecond: Option("--reads", 1_000),
            SampleEvery: TimeSpan.FromSeconds(Option("--sample-seconds", 60)));
        Console.WriteLine(await new AccountMetadata.Bench.Soak.SoakRun(soak).RunAsync());
        break;
    case "memory":
        _ = MemoryPerAccount.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000);
        break;
    case "write-modes":
        await ItemWriteModes.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5_000);
        break;
    case "load-modes":
        await AccountLoadModes.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5_000);
        break;
    case "dispatch":
        // In-process: the assembly name (AccountMetadata.Bench) differs from the project's file name, which
        // BenchmarkDotNet's out-of-process build cannot map back.
        BenchmarkRunner.Run<GrainDispatchBenchmarks>(
            DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance)), args[1..]);
        break;
    default:
        Console.Error.WriteLine("usage: Bench suite [--accounts N] [--naive N] [--memory-accounts N] | soak [--minutes N] [--silos N] [--accounts N] [--ingest N] [--reads N] | dispatch [BenchmarkDotNet args] | memory [accounts] | write-modes [items]");
        return 2;
}

return 0;

string? TextOption(string name, string? fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

int Option(string name, int fallback) =>
    TextOption(name, null) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;
