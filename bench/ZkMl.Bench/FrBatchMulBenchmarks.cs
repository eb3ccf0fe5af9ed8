using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// Throughput of 2^14 independent Fr products r[i] = a[i]·b[i] (<see cref="FrBatch.Mul"/>, the sumchecks' binds and eight-lane
/// products) under each kernel this CPU runs: Scalar (eight <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/>), Avx2 (two four-lane
/// halves) and, where the CPU has it, Avx512 (one eight-lane pass, session 31). Times are per whole array.
/// </summary>
public class FrBatchMulBenchmarks
{
    [ParamsSource(nameof(Kernels))]
    public string Kernel { get; set; } = "";

    public static IEnumerable<string> Kernels() =>
        Enum.GetValues<FrBatch.Mul8Kernel>().Where(FrBatch.IsSupported).Select(k => k.ToString());

    private Fr[] _a = [], _b = [], _c = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        _a = BenchData.Scalars(rng, 1 << 14);
        _b = BenchData.Scalars(rng, 1 << 14);
        _c = new Fr[1 << 14];
        FrBatch.Kernel = Enum.Parse<FrBatch.Mul8Kernel>(Kernel);
    }

    [GlobalCleanup]
    public void Cleanup() => FrBatch.Kernel = FrBatch.BestKernel;

    [Benchmark]
    public void Mul() => FrBatch.Mul(_a, _b, _c);
}
