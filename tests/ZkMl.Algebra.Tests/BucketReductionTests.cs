using CsCheck;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// The affine bucket reduction (<see cref="BucketReduction"/>) against a scalar reference: every bucket is built as
/// log·G with a known log, so Σ_j (j + 1)·B_j = (Σ_j (j + 1)·log_j)·G; and against the Jacobian running-sum reduction.
/// Buckets are often infinity or ±G, ±2G, ±3G, so the additions hit P + P and P + (−P) in the bucket sums, the
/// running sums and the partial sums.
/// </summary>
public class BucketReductionTests
{
    private static readonly G1Jacobian G = G1Jacobian.Generator;

    /// <summary>A bucket's log: zero (infinity), a small ±k (collisions), or a uniform scalar.</summary>
    private static readonly Gen<Fr> Log = Gen.Frequency(
        (2, (IGen<Fr>)Gen.Const(Fr.Zero)),
        (5, Gen.Int[-3, 3].Select(v => Fr.FromInt64(v))),
        (2, Gens.Fr));

    private sealed record Case(Fr[][] SetLogs, Fr[]?[] OverflowLogs, int Lo, int Hi, int Segments);

    private static readonly Gen<Case> Cases =
        from m in Gen.Int[1, 90]
        from sets in Gen.Int[1, 3]
        from setLogs in Log.Array[m].Array[sets]
        from over in Gen.Bool.Array[sets]
        from overLogs in Log.Array[m].Array[sets]
        from lo in Gen.Int[0, m - 1]
        from hi in Gen.Int[lo + 1, m]
        from segments in Gen.Int[1, hi - lo]
        select new Case(setLogs, overLogs.Select((o, u) => over[u] ? o : null).ToArray(), lo, hi, segments);

    private static G1Affine[][] Points(Fr[][] logs) => logs.Select(l => l.Select(k => G.ScalarMul(k).ToAffine()).ToArray()).ToArray();

    private static G1Jacobian[]?[] Overflows(Fr[]?[] logs) => logs.Select(l => l?.Select(k => G.ScalarMul(k)).ToArray()).ToArray();

    private static G1Jacobian Reference(Case c)
    {
        var sum = Fr.Zero;
        for (int j = c.Lo; j < c.Hi; j++)
        {
            var b = Fr.Zero;
            for (int u = 0; u < c.SetLogs.Length; u++) b += c.SetLogs[u][j] + (c.OverflowLogs[u]?[j] ?? Fr.Zero);
            sum += Fr.FromInt64(j + 1) * b;
        }
        return G.ScalarMul(sum);
    }

    [Fact]
    public void AffineReductionMatchesTheScalarReferenceAndTheJacobianReduction() => Props.Check(Cases, c =>
    {
        var sets = Points(c.SetLogs);
        var overflows = Overflows(c.OverflowLogs);
        var expected = Reference(c);
        Assert.True(expected == BucketReduction.ReduceJacobian(sets, overflows, c.Lo, c.Hi), "Jacobian reduction");
        Assert.True(expected == BucketReduction.ReduceAffine(sets, overflows, c.Lo, c.Hi, c.Segments), $"affine reduction, {c.Segments} segments");
    }, seed: 0xB0C4E7, iter: 150);

    [Fact]
    public void AddInPlaceHandlesInfinityDoublingAndOpposites() => Props.Check(Gen.Select(Log, Log).Array[1, 40], pairs =>
    {
        var acc = pairs.Select(p => G.ScalarMul(p.Item1).ToAffine()).ToArray();
        var add = pairs.Select(p => G.ScalarMul(p.Item2).ToAffine()).ToArray();
        BucketReduction.AddInPlace(acc, add, new Fq[2 * acc.Length]);
        for (int i = 0; i < pairs.Length; i++)
            Assert.Equal(G.ScalarMul(pairs[i].Item1 + pairs[i].Item2).ToAffine(), acc[i]);
    }, seed: 0xADD1, iter: 200);

    [Fact]
    public void EdgeCasesAtTheAffineThreshold()
    {
        // Every bucket equal (each running step after the first is a doubling-free addition, but sum += running
        // doubles at the first step), then B and −B alternating (running sums return to infinity), at the size
        // from which Reduce takes the affine path, with a slice that starts past 0 (the lo·Σ B_j term) and one
        // that needs padding (m not a multiple of the segment length).
        int m = BucketReduction.AffineMinBuckets + 37;
        var p = G.ScalarMul(Fr.FromUInt64(5)).ToAffine();
        foreach (var pattern in new Func<int, G1Affine>[] { _ => p, j => j % 2 == 0 ? p : p.Negate(), j => j % 3 == 0 ? G1Affine.Infinity : p })
        {
            var set = Enumerable.Range(0, m).Select(pattern).ToArray();
            G1Jacobian[]?[] none = [null];
            foreach (var (lo, hi) in new[] { (0, m), (5, m), (3, m - 1) })
            {
                var expected = BucketReduction.ReduceJacobian([set], none, lo, hi);
                Assert.True(expected == BucketReduction.Reduce([set], none, lo, hi), $"[{lo}, {hi})");
                Assert.True(expected == BucketReduction.ReduceAffine([set], none, lo, hi, 7), $"[{lo}, {hi}), 7 segments");
            }
        }
    }
}
