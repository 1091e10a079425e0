using AccountMetadata.Bench;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bench -- dispatch     grain dispatch micro-benchmark (BenchmarkDotNet)
// dotnet run -c Release --project bench/Bench -- memory [N]   managed heap per active account (slope N -> 2N)
switch (args.FirstOrDefault())
{
    case "memory":
        MemoryPerAccount.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000);
        break;
    case "dispatch":
        BenchmarkRunner.Run<GrainDispatchBenchmarks>(args: args[1..]);
        break;
    default:
        Console.Error.WriteLine("usage: Bench dispatch [BenchmarkDotNet args] | memory [accounts]");
        return 2;
}

return 0;
