namespace ZkMl.Algebra.Tests;

/// <summary>
/// Msm's pooled windows (a small MSM's windows accumulated into one bucket array per thread and reduced side by side):
/// the same group element as the per-window path (the twin, <c>Msm.UsePooled = false</c>) on random and adversarial
/// inputs (repeated points: doublings; negated points: infinities), on one and two threads, for full and signed small
/// scalars, and as the naive Σ sᵢ·Pᵢ on a small input.
/// </summary>
public class MsmPooledWindowsTests
{
    /// <summary><see cref="MsmTestPoints.Bases"/> with one point at infinity among the adversarial ones.</summary>
    private static G1Affine[] Bases(int n, int seed, bool adversarial)
    {
        var aff = MsmTestPoints.Bases(n, seed, adversarial);
        if (adversarial) aff[n / 2] = G1Affine.Infinity;
        return aff;
    }

    private static G1Jacobian With(bool pooled, Func<G1Jacobian> msm)
    {
        bool before = Msm.UsePooled;
        Msm.UsePooled = pooled;
        try { return msm(); }
        finally { Msm.UsePooled = before; }
    }

    [Theory]
    [InlineData(128, false, 1)]
    [InlineData(552, false, 2)]
    [InlineData(552, true, 1)]
    [InlineData(1500, true, 2)]
    [InlineData(4416, false, 2)]
    [InlineData(4416, true, 1)]
    public void Full_scalars_give_the_per_window_paths_point(int n, bool adversarial, int threads)
    {
        // the sizes take the pooled path (c ≤ 12, at least two windows per thread)
        Assert.True(Msm.UsePooledWindows(n, Msm.ChooseWindow(n, 254, threads), Msm.WindowCount(254, Msm.ChooseWindow(n, 254, threads)), threads, Msm.BatchAffineMinPoints));
        var bases = Bases(n, n + threads, adversarial);
        var rng = new Random(n * 3 + threads);
        var scalars = Enumerable.Range(0, n).Select(i => adversarial && i % 2 == 0 ? Fr.FromInt64(-(i % 7)) : Fr.Random(rng)).ToArray();
        var plain = With(false, () => Msm.Compute(bases, scalars, threads));
        var pooled = With(true, () => Msm.Compute(bases, scalars, threads));
        Assert.True(plain == pooled);
        Assert.False(pooled.IsInfinity);
    }

    [Theory]
    [InlineData(2000, 1)]
    [InlineData(3000, 2)]
    public void Signed_small_scalars_give_the_per_window_paths_point(int n, int threads)
    {
        var bases = Bases(n, 5 * n, adversarial: true);
        var rng = new Random(n);
        var scalars = Enumerable.Range(0, n).Select(_ => rng.NextInt64(-(1L << 50), 1L << 50)).ToArray();
        var plain = With(false, () => Msm.ComputeSmall(bases, scalars, threads));
        var pooled = With(true, () => Msm.ComputeSmall(bases, scalars, threads));
        Assert.True(plain == pooled);
    }

    [Fact]
    public void A_pooled_msm_is_the_naive_sum()
    {
        const int n = 160;
        var bases = Bases(n, 9, adversarial: true);
        var rng = new Random(10);
        var scalars = Enumerable.Range(0, n).Select(i => i % 4 == 0 ? Fr.FromInt64(i - 80) : Fr.Random(rng)).ToArray();
        var naive = G1Jacobian.Infinity;
        for (int i = 0; i < n; i++) naive += G1Jacobian.FromAffine(bases[i]).ScalarMul(scalars[i]);
        Assert.True(naive == With(true, () => Msm.Compute(bases, scalars, threads: 2)));
        Assert.True(naive == With(true, () => Msm.Compute(bases, scalars, threads: 1)));
    }
}
