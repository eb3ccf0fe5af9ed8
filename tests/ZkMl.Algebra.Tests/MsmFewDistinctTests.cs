namespace ZkMl.Algebra.Tests;

/// <summary><see cref="Msm.TryComputeFewDistinct"/> and <see cref="Msm.ComputeGrouped"/> against the independent reference of <see cref="FixedBaseTableTests"/> (bases with known logs).</summary>
public class MsmFewDistinctTests
{
    private const int MaxN = 20000;
    private static readonly (G1Affine[] Points, Fr[] Logs) Bases = FixedBaseTableTests.BuildBases(MaxN, 77);

    private static G1Affine Expected(ReadOnlySpan<Fr> logs, ReadOnlySpan<Fr> scalars)
    {
        var sum = Fr.Zero;
        for (int i = 0; i < scalars.Length; i++) sum += logs[i] * scalars[i];
        return G1Jacobian.Generator.ScalarMul(sum).ToAffine();
    }

    private static Fr[] Drawn(Random rng, int n, Fr[] values, double zeroShare)
    {
        var s = new Fr[n];
        for (int i = 0; i < n; i++) s[i] = rng.NextDouble() < zeroShare ? Fr.Zero : values[rng.Next(values.Length)];
        return s;
    }

    public static TheoryData<int, int, int> Cases()
    {
        var d = new TheoryData<int, int, int>();
        // n, distinct values, threads
        // from 4096 points, fewer than 2048 groups are split into sub-buckets (16 for 37 and 1 groups, 4 for 700, 2 for 1500)
        foreach (var (n, k) in new[] { (0, 1), (1, 1), (5, 3), (1000, 1), (1000, 2), (4096, 37), (5000, 1), (9000, 700), (20000, 1500), (20000, 3000), (20000, 9000) })
            foreach (int t in new[] { 1, 2 }) d.Add(n, k, t);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheReference(int n, int distinct, int threads)
    {
        var rng = new Random(n * 31 + distinct);
        var values = Enumerable.Range(0, distinct).Select(_ => Fr.Random(rng)).ToArray();
        var s = Drawn(rng, n, values, 0.2);
        Assert.True(Msm.TryComputeFewDistinct(Bases.Points.AsSpan(0, n), s, distinct, out var r, threads));
        Assert.Equal(Expected(Bases.Logs, s), r.ToAffine());
        Assert.Equal(Msm.Compute(Bases.Points.AsSpan(0, n), s).ToAffine(), r.ToAffine());
    }

    [Fact]
    public void RepeatedOppositeAndInfiniteBasesInOneGroup()
    {
        // The same base several times in a group (affine doubling), a base and its negation (the sum is
        // infinity, then more points arrive), infinity bases, and a value with its negation.
        var p = Bases.Points;
        var logs = Bases.Logs;
        var pts = new List<G1Affine>();
        var lg = new List<Fr>();
        for (int i = 0; i < 3000; i++)
        {
            int j = i % 7;
            switch (i % 4)
            {
                case 0: pts.Add(p[j]); lg.Add(logs[j]); break;
                case 1: pts.Add(p[j].Negate()); lg.Add(-logs[j]); break;
                case 2: pts.Add(G1Affine.Infinity); lg.Add(Fr.Zero); break;
                default: pts.Add(p[i]); lg.Add(logs[i]); break;
            }
        }
        var v = Fr.FromUInt64(12345);
        var values = new[] { v, -v, Fr.One };
        var rng = new Random(3);
        var s = Drawn(rng, pts.Count, values, 0.1);
        Assert.True(Msm.TryComputeFewDistinct(pts.ToArray(), s, 3, out var r));
        Assert.Equal(Expected(lg.ToArray(), s), r.ToAffine());
        var same = Enumerable.Repeat(v, pts.Count).ToArray();
        Assert.True(Msm.TryComputeFewDistinct(pts.ToArray(), same, 1, out r, threads: 1));
        Assert.Equal(Expected(lg.ToArray(), same), r.ToAffine());
    }

    [Fact]
    public void TooManyDistinctValuesComputesNothing()
    {
        var rng = new Random(4);
        var s = Enumerable.Range(0, 100).Select(_ => Fr.Random(rng)).ToArray();
        Assert.False(Msm.TryComputeFewDistinct(Bases.Points.AsSpan(0, 100), s, 99, out var r));
        Assert.Equal(G1Jacobian.Infinity.ToAffine(), r.ToAffine());
        Assert.True(Msm.TryComputeFewDistinct(Bases.Points.AsSpan(0, 100), s, 100, out r));
        Assert.Equal(Expected(Bases.Logs, s), r.ToAffine());
        Assert.True(Msm.TryComputeFewDistinct(Bases.Points.AsSpan(0, 100), new Fr[100], 0, out r));
        Assert.True(r.IsInfinity);
        Assert.Throws<ArgumentException>(() => Msm.TryComputeFewDistinct(Bases.Points.AsSpan(0, 3), new Fr[2], 5, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => Msm.TryComputeFewDistinct(Bases.Points.AsSpan(0, 3), new Fr[3], -1, out _));
    }
    [Theory]
    [MemberData(nameof(Cases))]
    public void GroupedMatchesTheReference(int n, int distinct, int threads)
    {
        var rng = new Random(n * 17 + distinct);
        var values = Enumerable.Range(0, distinct).Select(_ => Fr.Random(rng)).ToArray();
        // group 0 skips a base; a longer group array than the bases (its tail ignored)
        var groups = Enumerable.Range(0, n + 3).Select(_ => rng.NextDouble() < 0.2 ? 0 : 1 + rng.Next(distinct)).ToArray();
        var s = groups.Take(n).Select(g => g == 0 ? Fr.Zero : values[g - 1]).ToArray();
        var r = Msm.ComputeGrouped(Bases.Points.AsSpan(0, n), groups, values, threads);
        Assert.Equal(Expected(Bases.Logs, s), r.ToAffine());
    }

    [Fact]
    public void GroupedRefusesBadGroups()
    {
        var values = new[] { Fr.One, Fr.FromUInt64(2) };
        Assert.Throws<ArgumentException>(() => Msm.ComputeGrouped(Bases.Points.AsSpan(0, 3), [1, 2], values));
        Assert.Throws<ArgumentException>(() => Msm.ComputeGrouped(Bases.Points.AsSpan(0, 3), [1, 3, 0], values));
        Assert.Throws<ArgumentException>(() => Msm.ComputeGrouped(Bases.Points.AsSpan(0, 3), [1, -1, 0], values));
        Assert.True(Msm.ComputeGrouped(Bases.Points.AsSpan(0, 3), [0, 0, 0], values).IsInfinity);
        Assert.True(Msm.ComputeGrouped(Bases.Points.AsSpan(0, 3), [0, 0, 0], []).IsInfinity);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GroupSumsAreEachGroupsSum(int n, int distinct, int threads)
    {
        var rng = new Random(n * 31 + distinct);
        // some groups stay empty (infinity); group 0 skips a base
        var groups = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.2 ? 0 : 1 + rng.Next(distinct)).ToArray();
        var sums = Msm.GroupSums(Bases.Points.AsSpan(0, n), groups, distinct + 2, threads);
        Assert.Equal(distinct + 2, sums.Length);
        // group k's sum is [Σ of its bases' logs]·G
        var logSums = new Fr[distinct + 2];
        for (int i = 0; i < n; i++) if (groups[i] > 0) logSums[groups[i] - 1] += Bases.Logs[i];
        for (int k = 0; k < sums.Length; k++) Assert.Equal(G1Jacobian.Generator.ScalarMul(logSums[k]).ToAffine(), sums[k]);
        Assert.True(sums[^1].IsInfinity);
    }

    [Fact]
    public void GroupSumsRefusesBadGroups()
    {
        Assert.Throws<ArgumentException>(() => Msm.GroupSums(Bases.Points.AsSpan(0, 3), [1, 2], 2));
        Assert.Throws<ArgumentException>(() => Msm.GroupSums(Bases.Points.AsSpan(0, 3), [1, 3, 0], 2));
        Assert.Throws<ArgumentException>(() => Msm.GroupSums(Bases.Points.AsSpan(0, 3), [1, -1, 0], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Msm.GroupSums(Bases.Points.AsSpan(0, 3), [0, 0, 0], -1));
        Assert.Empty(Msm.GroupSums(Bases.Points.AsSpan(0, 3), [0, 0, 0], 0));
        Assert.All(Msm.GroupSums(ReadOnlySpan<G1Affine>.Empty, [], 3), p => Assert.True(p.IsInfinity));
    }
}
