namespace ZkMl.Algebra.Tests;

/// <summary>
/// <see cref="Msm.ComputeSmall(ReadOnlySpan{G1Affine}, ReadOnlySpan{long}, int?)"/> when a few entries are much
/// wider than the rest (they go to a second MSM): against the independent reference of <see cref="FixedBaseTableTests"/>.
/// </summary>
public class MsmSmallSplitTests
{
    private const int MaxN = 20000;
    private static readonly (G1Affine[] Points, Fr[] Logs) Bases = FixedBaseTableTests.BuildBases(MaxN, 91);

    private static G1Affine Expected(ReadOnlySpan<long> scalars)
    {
        var sum = Fr.Zero;
        for (int i = 0; i < scalars.Length; i++) sum += Bases.Logs[i] * Fr.FromInt64(scalars[i]);
        return G1Jacobian.Generator.ScalarMul(sum).ToAffine();
    }

    public static TheoryData<int, int, int> Cases()
    {
        var d = new TheoryData<int, int, int>();
        // n, wide entries, their bits (400 of 20000 is above n/64: no split, the control)
        foreach (var (n, wide, bits) in new[] { (4096, 1, 20), (5000, 60, 18), (20000, 300, 19), (20000, 312, 40), (20000, 400, 19), (8192, 0, 8), (6000, 6000 / 64, 63) })
            d.Add(n, wide, bits);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FewWideScalarsAmongSmallOnes(int n, int wide, int bits)
    {
        var rng = new Random(n + wide + bits);
        var s = new long[n];
        for (int i = 0; i < n; i++) s[i] = rng.Next(-200, 512); // 9-bit data (as limbs and activations)
        for (int k = 0; k < wide; k++)
        {
            long v = bits >= 63 ? (k % 3 == 0 ? long.MinValue : long.MaxValue - k) : rng.NextInt64(1L << (bits - 1), 1L << bits);
            s[rng.Next(n)] = k % 2 == 0 ? v : (v == long.MinValue ? v : -v);
        }
        var want = Expected(s);
        Assert.Equal(want, Msm.ComputeSmall(Bases.Points.AsSpan(0, n), s).ToAffine());
        Assert.Equal(want, Msm.ComputeSmall(Bases.Points.AsSpan(0, n), s, threads: 1).ToAffine());
    }

    [Fact]
    public void OnlyWideScalarsAndZeros()
    {
        // every non-zero entry is "wide": the bulk MSM is empty
        var s = new long[8192];
        for (int i = 0; i < 50; i++) s[i * 97] = (1L << 30) + i;
        Assert.Equal(Expected(s), Msm.ComputeSmall(Bases.Points.AsSpan(0, s.Length), s).ToAffine());
    }
}
