using BenchmarkDotNet.Running;

namespace ZkMl.Bench;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/ZkMl.Bench -- --filter '*'</c>; <c>-- twin …</c> runs the
/// console twin of bench/mcl/mcl_twin.cpp (<see cref="NativeTwin"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "twin") return NativeTwin.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
