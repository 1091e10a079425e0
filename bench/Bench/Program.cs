using AccountMetadata.Bench;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet run -c Release --project bench/Bench -- dispatch     grain dispatch micro-benchmark (BenchmarkDotNet)
// dotnet run -c Release --project bench/Bench -- memory [N]   managed heap per active account (slope N -> 2N)
switch (args.FirstOrDefault())
{
    case "memory":
        MemoryPerAccount.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000);
        break;
    case "dispatch":
        // In-process: the assembly name (AccountMetadata.Bench) differs from the project's file name, which
        // BenchmarkDotNet's out-of-process build cannot map back.
        BenchmarkRunner.Run<GrainDispatchBenchmarks>(
            DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance)), args[1..]);
        break;
    default:
        Console.Error.WriteLine("usage: Bench dispatch [BenchmarkDotNet args] | memory [accounts]");
        return 2;
}

return 0;
