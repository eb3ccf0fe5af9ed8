using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// Full-scalar MSM, plain against the fixed-base table, on all threads, around the size from which
/// <c>Kzg.Commit</c> uses the table (2^14; the HyperKZG quotients at MNIST B = 1 have 2^15 − 9 and 2^15 − 1
/// coefficients).
/// </summary>
public class MsmTableThresholdBenchmarks
{
    [Params(13, 14, 15)]
    public int LogN { get; set; }

    private G1Affine[] _bases = [];
    private Fr[] _full = [];
    private FixedBaseTable? _table;

    [GlobalSetup]
    public void Setup()
    {
        int n = (1 << LogN) - 9;
        var rng = new Random(5);
        _bases = BenchData.Points(rng, n);
        _full = BenchData.Scalars(rng, n);
        _table = FixedBaseTable.Build(_bases);
    }

    [Benchmark(Baseline = true)] public G1Jacobian Plain() => Msm.Compute(_bases, _full);
    [Benchmark] public G1Jacobian Table() => Msm.Compute(_table!, _full);
}
