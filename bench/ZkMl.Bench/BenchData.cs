using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>The inputs the curve and MSM benchmarks share, drawn from the caller's seeded generator (so each benchmark keeps its data).</summary>
internal static class BenchData
{
    /// <summary>
    /// n distinct affine points G + i·S for i = 1 … n with S = s·G for a random s: consecutive additions, cheaper than n scalar
    /// multiplications, and no relation between the points that an MSM could exploit.
    /// </summary>
    public static G1Affine[] Points(Random rng, int n) => Points(Fr.Random(rng), n);

    /// <summary>n affine points G + i·S for i = 1 … n with S = s·G.</summary>
    public static G1Affine[] Points(Fr s, int n)
    {
        var step = G1Jacobian.Generator.ScalarMul(s);
        var jac = new G1Jacobian[n];
        var acc = G1Jacobian.Generator;
        for (int i = 0; i < n; i++) { acc += step; jac[i] = acc; }
        var points = new G1Affine[n];
        G1Jacobian.BatchToAffine(jac, points);
        return points;
    }

    /// <summary>n uniformly random field scalars.</summary>
    public static Fr[] Scalars(Random rng, int n) => Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
}
