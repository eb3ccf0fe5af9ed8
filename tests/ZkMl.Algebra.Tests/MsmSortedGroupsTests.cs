namespace ZkMl.Algebra.Tests;

/// <summary>
/// The sorted group sums (bases sorted by group, halves added level by level) against the bucket accumulation they replace
/// (the twin, <c>Msm.UseSortedGroups = false</c>): the grouped MSM, the single-window small-scalar MSM (signed, with a few
/// wide scalars split off, skewed like relu activations), the group sums themselves with empty groups, and the naive sum.
/// </summary>
public class MsmSortedGroupsTests
{
    /// <summary>Adversarial <see cref="MsmTestPoints.Bases"/> (repeated and negated points) with one point at infinity.</summary>
    private static G1Affine[] Bases(int n, int seed)
    {
        var aff = MsmTestPoints.Bases(n, seed, adversarial: true);
        aff[n / 3] = G1Affine.Infinity;
        return aff;
    }

    private static T With<T>(bool sorted, Func<T> f)
    {
        bool before = Msm.UseSortedGroups;
        Msm.UseSortedGroups = sorted;
        try { return f(); }
        finally { Msm.UseSortedGroups = before; }
    }

    [Theory]
    [InlineData(5000, 1, 7)]
    [InlineData(9000, 2, 300)]
    [InlineData(20000, 2, 3)]
    public void Grouped_msm_gives_the_bucket_paths_point(int n, int threads, int groups)
    {
        var bases = Bases(n, n);
        var rng = new Random(n + groups);
        // skewed: group 1 holds about half of the points, some groups stay empty, a quarter are skipped
        var ids = Enumerable.Range(0, n).Select(_ => rng.Next(4) == 0 ? 0 : rng.Next(2) == 0 ? 1 : 1 + rng.Next(Math.Max(1, groups / 2))).ToArray();
        var values = Enumerable.Range(0, groups).Select(_ => Fr.Random(rng)).ToArray();
        var plain = With(false, () => Msm.ComputeGrouped(bases, ids, values, threads));
        var sorted = With(true, () => Msm.ComputeGrouped(bases, ids, values, threads));
        Assert.True(plain == sorted);
        var sumsPlain = With(false, () => Msm.GroupSums(bases, ids, groups, threads));
        var sumsSorted = With(true, () => Msm.GroupSums(bases, ids, groups, threads));
        Assert.Equal(sumsPlain, sumsSorted);
        Assert.Contains(sumsSorted, p => p.IsInfinity); // the empty groups
    }

    [Theory]
    [InlineData(8192, 1)]
    [InlineData(40000, 2)]
    public void Single_window_small_scalars_give_the_bucket_paths_point(int n, int threads)
    {
        var bases = Bases(n, 3 * n);
        var rng = new Random(n);
        var scalars = new long[n];
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble();
            scalars[i] = i < n / 4 ? (u < 0.5 ? 0 : Math.Min(127, (long)(-Math.Log(rng.NextDouble()) * 6))) // relu-like
                : i < n - 40 ? rng.Next(-511, 512)                                                          // limbs, signed
                : rng.Next(1 << 18);                                                                        // a few wide ones
        }
        var plain = With(false, () => Msm.ComputeSmall(bases, scalars, threads));
        var sorted = With(true, () => Msm.ComputeSmall(bases, scalars, threads));
        Assert.True(plain == sorted);
        Assert.False(sorted.IsInfinity);
    }

    [Fact]
    public void A_sorted_single_window_msm_is_the_naive_sum()
    {
        const int n = 4500;
        var bases = Bases(n, 11);
        var rng = new Random(12);
        var scalars = Enumerable.Range(0, n).Select(_ => (long)rng.Next(-40, 41)).ToArray();
        var naive = G1Jacobian.Infinity;
        for (int i = 0; i < n; i++) naive += G1Jacobian.FromAffine(bases[i]).ScalarMul(Fr.FromInt64(scalars[i]));
        Assert.True(naive == With(true, () => Msm.ComputeSmall(bases, scalars, threads: 2)));
    }
}
