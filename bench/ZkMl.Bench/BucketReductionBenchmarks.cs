using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// The MSM's bucket reduction Σ_j (j + 1)·B_j over one set of 2^(c−1) random affine buckets: the Jacobian running-sum
/// loop (baseline) against the affine reduction with batched inversions (<c>BucketReduction.Reduce</c>), at the
/// bucket counts of c = 13 and c = 16 (the fixed-base table's window).
/// </summary>
public class BucketReductionBenchmarks
{
    [Params(12, 15)]
    public int LogBuckets { get; set; }

    private G1Affine[][] _sets = [];
    private readonly G1Jacobian[]?[] _overflows = [null];

    [GlobalSetup]
    public void Setup()
    {
        int m = 1 << LogBuckets;
        var rng = new Random(7);
        var set = BenchData.Points(rng, m);
        rng.Shuffle(set);
        _sets = [set];
    }

    [Benchmark(Baseline = true)] public G1Jacobian Jacobian() => BucketReduction.ReduceJacobian(_sets, _overflows, 0, 1 << LogBuckets);
    [Benchmark] public G1Jacobian Affine() => BucketReduction.Reduce(_sets, _overflows, 0, 1 << LogBuckets);
}
