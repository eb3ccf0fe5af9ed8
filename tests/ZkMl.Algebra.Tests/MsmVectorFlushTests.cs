namespace ZkMl.Algebra.Tests;

/// <summary>
/// The batch-affine bucket additions with the eight-lane Fq products (Msm's FlushVector) against the scalar additions
/// (FlushScalar, the twin) on the same inputs: equal group elements, including buckets that see doublings, opposite
/// points and partial last batches. Against the discrete-log reference, <see cref="MsmTests"/> covers both paths too
/// (whichever the machine takes).
/// </summary>
public class MsmVectorFlushTests
{
    private static G1Jacobian With(bool vector, Func<G1Jacobian> msm)
    {
        bool before = Msm.UseVectorFlush;
        Msm.UseVectorFlush = vector;
        try { return msm(); }
        finally { Msm.UseVectorFlush = before; }
    }

    [Theory]
    [InlineData(4096, false)]
    [InlineData(4096, true)]
    [InlineData(1000, true)]
    public void FullScalarsGiveTheSamePointOnBothPaths(int n, bool adversarial)
    {
        var bases = MsmTestPoints.Bases(n, n + (adversarial ? 1 : 0), adversarial);
        var rng = new Random(n);
        var scalars = Enumerable.Range(0, n).Select(i => adversarial && i % 2 == 0 ? Fr.FromInt64(-(i % 5)) : Fr.Random(rng)).ToArray();
        var scalar = With(false, () => Msm.Compute(bases, scalars, threads: 1));
        var vector = With(true, () => Msm.Compute(bases, scalars, threads: 1));
        Assert.True(scalar == vector);
        Assert.False(vector.IsInfinity);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(13)]
    public void FewBucketsWithDoublingsAndCancellationsGiveTheSamePoint(int window)
    {
        const int n = 2048;
        var bases = MsmTestPoints.Bases(n, 77, adversarial: true);
        var rng = new Random(window);
        var mags = Enumerable.Range(0, n).Select(i => (ulong)(i % 4 == 0 ? 1 : rng.Next(1, 1 << window))).ToArray();
        var signs = Enumerable.Range(0, n).Select(_ => rng.Next(2) == 0).ToArray();
        var scalar = With(false, () => Msm.Run(bases, mags, 1, signs, window, threads: 1, window: window, batchAffineMin: 0));
        var vector = With(true, () => Msm.Run(bases, mags, 1, signs, window, threads: 1, window: window, batchAffineMin: 0));
        Assert.True(scalar == vector);
    }

    [Fact]
    public void BucketReductionGivesTheSamePointOnBothPathsAndMatchesTheJacobianReference()
    {
        // Two bucket sets whose entries coincide, cancel or are infinity: every special case of AddChunk on both paths.
        const int m = 4096;
        var pts = MsmTestPoints.Bases(m, 91, adversarial: true);
        var rng = new Random(92);
        var set0 = new G1Affine[m];
        var set1 = new G1Affine[m];
        for (int j = 0; j < m; j++)
        {
            set0[j] = j % 13 == 0 ? G1Affine.Infinity : pts[j];
            set1[j] = (j % 4) switch { 0 => pts[j], 1 => pts[j].Negate(), 2 => G1Affine.Infinity, _ => pts[rng.Next(m)] };
        }
        G1Affine[][] sets = [set0, set1];
        G1Jacobian[]?[] overflows = [null, null];
        var reference = BucketReduction.ReduceJacobian(sets, overflows, 0, m);
        var scalar = With(false, () => BucketReduction.Reduce(sets, overflows, 0, m));
        var vector = With(true, () => BucketReduction.Reduce(sets, overflows, 0, m));
        Assert.True(reference == scalar);
        Assert.True(reference == vector);
    }
}
