using ZkMl.Algebra;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Polynomials;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The ZK batched opening's table kernels against their straightforward versions: <see cref="Eq.AddTable"/> (the weight
/// tables, added in place) against <see cref="Eq.Table(ReadOnlySpan{Fr}, Fr?)"/> added entry by entry, and
/// <c>ZkOpeningMask.AddScaledTo</c> against m1·D1 + m2·D2 from the dense tables.
/// </summary>
public class OpeningKernelTests
{
    public static TheoryData<int, bool> EqCases()
    {
        var d = new TheoryData<int, bool>();
        foreach (var n in new[] { 0, 1, 2, 5, 13, 14, 15, 17 })
            foreach (var half in new[] { false, true })
                d.Add(n, half);
        return d;
    }

    [Theory]
    [MemberData(nameof(EqCases))]
    public void AddTable_adds_the_scaled_eq_table_at_the_offset(int n, bool allHalf)
    {
        var rng = new Random(31 * n + (allHalf ? 1 : 0));
        var point = Enumerable.Range(0, n).Select(_ => allHalf ? Fr.FromInt64(2).Inverse() : Fr.Random(rng)).ToArray();
        var scale = Fr.Random(rng);
        int offset = n == 0 ? 3 : 1 << n; // a block in the middle of a larger vector
        var dst = Enumerable.Range(0, 3 << Math.Max(n, 1)).Select(_ => Fr.Random(rng)).ToArray();
        var expected = (Fr[])dst.Clone();
        var table = Eq.Table(point);
        for (int i = 0; i < table.Length; i++) expected[offset + i] += scale * table[i];
        Eq.AddTable(point, scale, dst, offset);
        Assert.Equal(expected, dst);
    }

    [Fact]
    public void AddTable_with_one_coordinate_off_one_half_is_not_the_constant()
    {
        // The ½ fast path must not be taken when a single coordinate differs (a kernel that tested only the first would fail).
        var half = Fr.FromInt64(2).Inverse();
        var point = Enumerable.Repeat(half, 6).ToArray();
        point[^1] = Fr.FromInt64(3);
        var dst = new Fr[64];
        Eq.AddTable(point, Fr.One, dst, 0);
        Assert.Equal(Eq.Table(point), dst);
        Assert.NotEqual(dst[0], dst[1]);
    }

    [Fact]
    public void AddTable_refuses_a_range_outside_the_destination()
    {
        var e = Assert.Throws<ArgumentException>(() => Eq.AddTable(new Fr[4], Fr.One, new Fr[20], 8));
        Assert.Contains("does not fit", e.Message);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(11)]
    [InlineData(13)]
    public void Mask_AddScaledTo_is_m1_D1_plus_m2_D2(int n)
    {
        var srs = TestSrs.Value;
        var mask = ZkOpeningMask.Sample(srs, ZkOpeningSetup.MaskPoints(srs, n), n, new SeededRng(n));
        var rng = new Random(n);
        var m1 = Fr.Random(rng);
        var m2 = Fr.Random(rng);
        var joint = Enumerable.Range(0, 1 << n).Select(_ => Fr.Random(rng)).ToArray();
        var expected = (Fr[])joint.Clone();
        var d1 = mask.D1Table();
        var d2 = mask.D2Table();
        for (int i = 0; i < expected.Length; i++) expected[i] += m1 * d1[i] + m2 * d2[i];
        mask.AddScaledTo(joint, m1, m2);
        Assert.Equal(expected, joint);
        Assert.Throws<ArgumentException>(() => mask.AddScaledTo(new Fr[1 << (n - 1)], m1, m2));
    }

    /// <summary>
    /// The mask's tables as the prover fills them (in parallel from 2^13 entries, one addition per entry, only the live prefix
    /// for the sumcheck) against the affine reference <c>AffineTable</c> plus T on the top blocks, cut at L*, plus R.
    /// </summary>
    [Theory]
    [InlineData(6, 64)]
    [InlineData(6, 49)]
    [InlineData(13, 8192)]
    [InlineData(13, 7001)]
    public void Mask_tables_match_the_affine_reference(int n, int used)
    {
        var srs = TestSrs.Value;
        var mask = used == 1 << n
            ? ZkOpeningMask.Sample(srs, ZkOpeningSetup.MaskPoints(srs, n), n, new SeededRng(used))
            : ZkOpeningMask.SampleConfined(srs, ZkOpeningSetup.MaskPoints(srs, n, used), n, used, new SeededRng(used));
        var d1 = ZkOpeningMask.AffineTable(mask.A1, n);
        var d2 = ZkOpeningMask.AffineTable(mask.A2, n);
        int block = d2.Length / mask.Top.Length;
        for (int i = 0; i < d2.Length; i++) d2[i] += mask.Top[i / block];
        for (int i = used; i < d1.Length; i++) { d1[i] = Fr.Zero; d2[i] = Fr.Zero; }
        mask.R.AddTo(d1);
        Assert.Equal(d1, mask.D1Table());
        Assert.Equal(d2, mask.D2Table());
        int live = Math.Min(1 << n, used + (used & 1));
        var buffer = Enumerable.Repeat(Fr.One, live + 3).ToArray(); // stale entries: every one of the prefix is written
        mask.FillD1(buffer, live);
        Assert.Equal(d1[..live], buffer[..live]);
        mask.FillD2(buffer, live);
        Assert.Equal(d2[..live], buffer[..live]);
        Assert.Equal(Fr.One, buffer[live]);
        Assert.Throws<ArgumentException>(() => mask.FillD1(buffer, used - 1));
        Assert.Throws<ArgumentException>(() => mask.FillD2(new Fr[live - 1], live));
    }
}
