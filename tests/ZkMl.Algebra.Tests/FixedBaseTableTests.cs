namespace ZkMl.Algebra.Tests;

/// <summary>The fixed-base-table MSM against the same independent reference as <see cref="MsmTests"/> (bases with known logs).</summary>
public class FixedBaseTableTests
{
    private const int MaxN = 3000;
    private static readonly (G1Affine[] Points, Fr[] Logs) Bases = BuildBases(MaxN, 31);
    private static readonly Lazy<FixedBaseTable> Table16 = new(() => FixedBaseTable.Build(Bases.Points));

    internal static (G1Affine[], Fr[]) BuildBases(int n, int seed)
    {
        var rng = new Random(seed);
        var jac = new G1Jacobian[n];
        var logs = new Fr[n];
        // P_i = k_i·G with k_i = 1 + i·s + (random small jumps), kept by additions only
        var s = Fr.Random(rng);
        var sG = G1Jacobian.Generator.ScalarMul(s);
        var acc = G1Jacobian.Generator;
        var k = Fr.One;
        for (int i = 0; i < n; i++)
        {
            jac[i] = acc;
            logs[i] = k;
            acc += sG;
            k += s;
            if (rng.Next(3) == 0) { acc += G1Jacobian.Generator; k += Fr.One; }
        }
        var aff = new G1Affine[n];
        G1Jacobian.BatchToAffine(jac, aff);
        return (aff, logs);
    }

    private static G1Jacobian Expected(int n, ReadOnlySpan<Fr> scalars)
    {
        var sum = Fr.Zero;
        for (int i = 0; i < n; i++) sum += Bases.Logs[i] * scalars[i];
        return G1Jacobian.Generator.ScalarMul(sum);
    }

    [Fact]
    public void RowsHoldThePowerOfTwoMultiples()
    {
        var t = FixedBaseTable.Build(Bases.Points.AsSpan(0, 5), window: 16);
        Assert.Equal(16, t.Windows);
        Assert.Equal(5, t.Count);
        Assert.True(t.Row0.SequenceEqual(Bases.Points.AsSpan(0, 5)));
        var two16 = Fr.FromUInt64(1UL << 16);
        var m = Fr.One;
        for (int w = 0; w < t.Windows; w++)
        {
            for (int i = 0; i < 5; i++) Assert.Equal(G1Jacobian.Generator.ScalarMul(Bases.Logs[i] * m).ToAffine(), t.Points[w * 5 + i]);
            m *= two16;
        }
    }

    public static TheoryData<int, int> Sizes()
    {
        var d = new TheoryData<int, int>();
        foreach (int n in new[] { 0, 1, 2, 7, 100, 1023, 1024, 1025, 2999, 3000 }) d.Add(n, 11 + n);
        return d;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesTheReferenceForRandomScalars(int n, int seed)
    {
        var rng = new Random(seed);
        var s = new Fr[n];
        for (int i = 0; i < n; i++) s[i] = Fr.Random(rng);
        var want = Expected(n, s).ToAffine();
        Assert.Equal(want, Msm.Compute(Table16.Value, s).ToAffine());
        Assert.Equal(want, Msm.Compute(Table16.Value, s, threads: 1).ToAffine());
        Assert.Equal(want, Msm.Compute(Bases.Points.AsSpan(0, n), s).ToAffine());
    }

    [Fact]
    public void AdversarialScalarsAndOtherWindows()
    {
        int n = 2048;
        var rng = new Random(5);
        var cases = new List<Fr[]>
        {
            Enumerable.Repeat(Fr.One, n).ToArray(),                                  // every point in one bucket of one window
            Enumerable.Repeat(-Fr.One, n).ToArray(),                                 // r − 1: every window, top digits
            Enumerable.Range(0, n).Select(i => i % 2 == 0 ? Fr.FromUInt64(65535) : -Fr.FromUInt64(65535)).ToArray(),
            Enumerable.Range(0, n).Select(i => i < 10 ? Fr.Random(rng) : Fr.Zero).ToArray(),
            new Fr[n],
        };
        foreach (int c in new[] { 2, 7, 13, 16, 17 })
        {
            var t = c == 16 ? Table16.Value : FixedBaseTable.Build(Bases.Points.AsSpan(0, n), window: c);
            foreach (var s in cases) Assert.Equal(Expected(n, s).ToAffine(), Msm.Compute(t, s).ToAffine());
        }
    }

    [Fact]
    public void BytesRoundTripAndBadInputsAreRejected()
    {
        var t = FixedBaseTable.Build(Bases.Points.AsSpan(0, 9), window: 12);
        var b = t.ToBytes();
        var back = FixedBaseTable.FromBytes(b);
        Assert.Equal(t.Count, back.Count);
        Assert.Equal(t.Window, back.Window);
        Assert.True(back.Points.AsSpan().SequenceEqual(t.Points));
        Assert.Throws<FormatException>(() => FixedBaseTable.FromBytes(b.AsSpan(0, b.Length - 1)));
        Assert.Throws<FormatException>(() => FixedBaseTable.FromBytes(b.AsSpan(0, 7)));
        var badWindow = (byte[])b.Clone();
        badWindow[0] = 40;
        Assert.Throws<FormatException>(() => FixedBaseTable.FromBytes(badWindow));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedBaseTable.Build(Bases.Points.AsSpan(0, 3), window: 1));
        Assert.Throws<ArgumentException>(() => Msm.Compute(t, new Fr[10]));
    }
}
