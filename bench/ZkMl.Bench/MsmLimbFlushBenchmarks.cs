using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// The batch-affine bucket additions in 29-bit limb form (Limbs = true: <c>AffineBatchAvx2</c>, session 30) against the
/// eight-lane flush (false: one <c>FqBatch.Mul8</c> per product, scalar subtractions), on the two MSMs that bound an MNIST
/// proof: a quotient commitment of B = 1 (2^15 full scalars over the SRS's fixed-base table) and a plain MSM of 2^16 full
/// scalars, both on all threads. On a CPU without AVX2 (or with AVX-512, whose kernel the limb path does not cover) both rows
/// run the eight-lane flush.
/// </summary>
public class MsmLimbFlushBenchmarks
{
    [Params(false, true)]
    public bool Limbs { get; set; }

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
    }

    [GlobalCleanup]
    public void Cleanup() => Msm.UseLimbFlush = true;

    [Benchmark] public G1Jacobian Table32768() => Msm.Compute(_table, _tableScalars);

    [Benchmark] public G1Jacobian Plain65536() => Msm.Compute(_bases, _full);
}
