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
        var step = G1Jacobian.Generator.ScalarMul(Fr.Random(rng));
        var jac = new G1Jacobian[m];
        var acc = G1Jacobian.Generator;
        for (int i = 0; i < m; i++) { acc += step; jac[i] = acc; }
        var set = new G1Affine[m];
        G1Jacobian.BatchToAffine(jac, set);
        rng.Shuffle(set);
        _sets = [set];
    }

    [Benchmark(Baseline = true)] public G1Jacobian Jacobian() => BucketReduction.ReduceJacobian(_sets, _overflows, 0, 1 << LogBuckets);
    [Benchmark] public G1Jacobian Affine() => BucketReduction.Reduce(_sets, _overflows, 0, 1 << LogBuckets);
}
