using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// The batch-affine bucket additions in 29-bit limb form (Limbs = true: <c>AffineBatchAvx2</c> under the AVX2 Fq kernel, session 30;
/// <c>AffineBatchAvx512</c> under the AVX-512 one, session 31) against the eight-lane flush (false: one <c>FqBatch.Mul8</c> per
/// product, scalar subtractions), for each Fq kernel this CPU runs (Kernel), on the two MSMs that bound an MNIST proof: a
/// quotient commitment of B = 1 (2^15 full scalars over the SRS's fixed-base table) and a plain MSM of 2^16 full scalars, both
/// on all threads. On a CPU without AVX2 only the scalar kernel's eight-lane flush runs.
/// </summary>
public class MsmLimbFlushBenchmarks
{
    [Params(false, true)]
    public bool Limbs { get; set; }

    /// <summary>The Fq kernel (<c>FqBatch.Mul8Kernel</c>): Avx2 and, where the CPU has it, Avx512.</summary>
    [ParamsSource(nameof(Kernels))]
    public string Kernel { get; set; } = "";

    public static IEnumerable<string> Kernels() =>
        new[] { FqBatch.Mul8Kernel.Avx2, FqBatch.Mul8Kernel.Avx512 }.Where(FqBatch.IsSupported).Select(k => k.ToString()).DefaultIfEmpty("Scalar");

    private FixedBaseTable _table = null!;
    private Fr[] _tableScalars = [];
    private G1Affine[] _bases = [];
    private Fr[] _full = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3); // as MsmBenchmarks
        _bases = BenchData.Points(rng, 1 << 16);
        _full = BenchData.Scalars(rng, 1 << 16);
        _table = FixedBaseTable.Build(_bases.AsSpan(0, 1 << 15));
        _tableScalars = BenchData.Scalars(rng, 1 << 15);
        Msm.UseLimbFlush = Limbs;
        FqBatch.Kernel = Enum.Parse<FqBatch.Mul8Kernel>(Kernel);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Msm.UseLimbFlush = true;
        FqBatch.Kernel = FqBatch.BestKernel;
    }

    [Benchmark] public G1Jacobian Table32768() => Msm.Compute(_table, _tableScalars);

    [Benchmark] public G1Jacobian Plain65536() => Msm.Compute(_bases, _full);
}
