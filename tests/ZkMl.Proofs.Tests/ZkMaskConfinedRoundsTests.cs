using ZkMl.Algebra;
using ZkMl.Proofs.Openings;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The confined mask's sumcheck part in closed form (docs/protocol.md "ZK mode: the column-major private input", (4);
/// <c>ZkBatchOpening.ConfinedMaskRounds</c>): prover side only, so the reduction (σ_o, rounds, hint, joint claim) and the
/// proof bytes must equal those of the reference twin that folds dense tables of D1 and D2 over L*
/// (<c>ZkBatchOpening.Reduce(…, denseConfinedMask: true)</c>) for the same mask and randomness.
/// </summary>
public class ZkMaskConfinedRoundsTests
{
    private static Srs Srs => TestSrs.Value;

    /// <summary>
    /// L* values for N variables (all in 3·2^(N−2) + 1 … 2^N − 1, the confined range): the lower bound and its successor, the
    /// MNIST-like 3·2^(N−2) + 2^(N−6), long runs of ones (2^N − 1, 2^N − 2, 2^N − 3, 2^N − 1 − 2^(N−3)), 7·2^(N−3) + 1, a single
    /// set bit below the top two (3·2^(N−2) + 2^j), and odd and even random values.
    /// </summary>
    public static long[] Lengths(int n, int seed)
    {
        long lo = ZkOpeningMask.MinConfinedLength(n), full = 1L << n;
        var set = new SortedSet<long> { lo, lo + 1, full - 1, full - 2, full - 3, full - 1 - (1L << (n - 3)), (7L << (n - 3)) + 1 };
        if (n >= 6) set.Add((3L << (n - 2)) + (1L << (n - 6)));
        for (int j = 0; j < n - 2; j++) set.Add((3L << (n - 2)) + (1L << j));
        var rng = new Random(seed);
        for (int i = 0; i < 4; i++)
        {
            long v = lo + rng.NextInt64(full - lo);
            set.Add(v | 1);
            set.Add(v & ~1L);
        }
        set.RemoveWhere(v => v < lo || v >= full);
        return [.. set];
    }

    /// <summary>Statement shapes at N: one vector of N; two with zero tails (the second shorter); model parts of N − 1 variables with a vector of N and a shorter one.</summary>
    private static IEnumerable<(string Name, ZkOpeningCase Case)> Cases(int n, long used, bool commit)
    {
        int seed = 1000 * n + (int)(used % 1000);
        yield return ("one vector", ZkOpeningCase.Make(seed, commit, 0, 0, [n], null));
        yield return ("zero tails", ZkOpeningCase.Make(seed + 1, commit, 0, 0, [n, n - 2], g => g == 0 ? (int)used : (int)(used / 5)));
        yield return ("model parts", ZkOpeningCase.Make(seed + 2, commit, 2, n - 1, [n, n - 3], g => g < 2 ? 1 << (n - 1) : (int)used - 1));
    }

    private static ZkOpeningMask Mask(int n, long used, int seed, G1Affine[] points)
        => ZkOpeningMask.SampleConfined(Srs, points, n, used, new SeededRng(seed));

    private static void AssertSame(ZkBatchOpening.ZkReduction dense, ZkBatchOpening.ZkReduction fast, string what)
    {
        Assert.True(dense.MaskSum == fast.MaskSum, what + ": σ_o");
        Assert.True(dense.Rounds.SelectMany(r => r).SequenceEqual(fast.Rounds.SelectMany(r => r)), what + ": rounds");
        Assert.True(dense.InverseHint == fast.InverseHint, what + ": hint");
        Assert.True(dense.Commitment == fast.Commitment, what + ": C′");
        Assert.True(dense.Blinding == fast.Blinding, what + ": blinding");
        Assert.True(dense.Value == fast.Value, what + ": e′");
        Assert.True(dense.Point.SequenceEqual(fast.Point), what + ": point");
        Assert.True(dense.Joint.SequenceEqual(fast.Joint), what + ": joint vector");
    }

    private static (ZkBatchOpening.ZkReduction Dense, ZkBatchOpening.ZkReduction Fast) Both(ZkOpeningCase c, Func<ZkOpeningMask> mask)
    {
        var dense = ZkBatchOpening.Reduce(ZkOpeningCase.T(), c.Vectors, c.Witnesses, c.Claims, mask(), true, denseConfinedMask: true);
        var fast = ZkBatchOpening.Reduce(ZkOpeningCase.T(), c.Vectors, c.Witnesses, c.Claims, mask(), true, denseConfinedMask: false);
        return (dense, fast);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public void The_closed_form_gives_the_dense_twins_reduction(int n)
    {
        foreach (var used in Lengths(n, 17 + n))
        {
            var points = ZkOpeningSetup.MaskPoints(Srs, n, used);
            foreach (var (name, c) in Cases(n, used, commit: false))
            {
                Assert.Equal(n, c.NumVars);
                int seed = (int)used + n;
                var (dense, fast) = Both(c, () => Mask(n, used, seed, points));
                AssertSame(dense, fast, $"N = {n}, L* = {used}, {name}");
            }
        }
    }

    [Fact]
    public void The_closed_form_gives_the_dense_twins_reduction_for_every_length_at_small_N()
    {
        // Every confined L* at N = 6 (49 … 63) and N = 7 (97 … 127), one full-length vector and the model-part shape.
        foreach (int n in new[] { 6, 7 })
            for (long used = ZkOpeningMask.MinConfinedLength(n); used < 1L << n; used++)
            {
                var points = ZkOpeningSetup.MaskPoints(Srs, n, used);
                foreach (var (name, c) in Cases(n, used, commit: false).Where(x => x.Name != "zero tails"))
                {
                    var (dense, fast) = Both(c, () => Mask(n, used, (int)used, points));
                    AssertSame(dense, fast, $"N = {n}, L* = {used}, {name}");
                }
            }
    }

    [Theory]
    [InlineData(6, 49)]
    [InlineData(8, 196)]
    [InlineData(9, 511)]
    [InlineData(10, 785)]
    [InlineData(11, 1791)]
    [InlineData(12, 3136)]
    public void The_closed_form_gives_the_dense_provers_bytes_and_its_proofs_verify(int n, long used)
    {
        var points = ZkOpeningSetup.MaskPoints(Srs, n, used);
        foreach (var (name, c) in Cases(n, used, commit: true))
        {
            byte[] Run(bool dense)
            {
                var rng = new SeededRng(n * 31 + (int)used);
                var mask = ZkOpeningMask.SampleConfined(Srs, points, n, used, rng);
                var proof = ZkBatchOpening.Prove(Srs, ZkOpeningCase.T(), c.Vectors, c.Witnesses, c.Claims, mask, true, rng, denseMaskFolds: false, denseConfinedMask: dense);
                if (!dense) Assert.True(c.Verify(mask.Commitments, proof, out var why), $"{name}: {why}");
                return proof.ToBytes();
            }
            Assert.Equal(Run(dense: true), Run(dense: false));
        }
    }

    [Fact]
    public void Every_mask_coefficient_reaches_the_closed_form_rounds()
    {
        // Teeth: a closed form that dropped a term of A1, A2, T or R* (or read the wrong one) would still agree with the dense
        // twin wherever that term does not matter. Changing any one coefficient by 1 (and an entry of R* by minus its weight in
        // σ_o, so that σ_o and hence the challenges up to the first differing round stay) changes the rounds; the twins agree.
        const int n = 7;
        const long used = 109; // 0b1101101: blocks of 2^6, 2^5, 2^3, 2^2, 2^0
        var points = ZkOpeningSetup.MaskPoints(Srs, n, used);
        var c = ZkOpeningCase.Make(77, false, 0, 0, [n, 4], null);
        var (_, baseline) = Both(c, () => Mask(n, used, 5, points));
        var probe = Mask(n, used, 5, points);
        Assert.True(probe.Top.Length >= 2 && probe.R.Values.Length >= 2);
        static long WithBit(long count, int b) => Enumerable.Range(0, (int)count).LongCount(i => (i >> b & 1) == 1);
        var targets = new List<(string Name, Func<ZkOpeningMask, Fr[]> Array, int Index, long SigmaWeight)>
        {
            ("A1[0]", m => m.A1, 0, used),
            ("A2[0]", m => m.A2, 0, 1),
            ("T[0]", m => m.Top, 0, 1),
        };
        for (int j = 1; j <= n; j++) { targets.Add(($"A1[{j}]", m => m.A1, j, WithBit(used, j - 1))); targets.Add(($"A2[{j}]", m => m.A2, j, 0)); }
        for (int u = 1; u < probe.Top.Length; u++) targets.Add(($"T[{u}]", m => m.Top, u, 0));
        for (int j = 0; j < probe.R.Values.Length; j++) targets.Add(($"R*[{j}]", m => m.R.Values, j, 1));
        foreach (var (name, array, index, weight) in targets)
        {
            ZkOpeningMask Changed()
            {
                var m = Mask(n, used, 5, points);
                array(m)[index] += Fr.One;
                int other = name == "R*[0]" ? 1 : 0;
                m.R.Values[other] -= Fr.FromInt64(weight);
                return m;
            }
            var (dense, fast) = Both(c, Changed);
            AssertSame(dense, fast, name);
            Assert.True(baseline.MaskSum == fast.MaskSum, $"{name}: σ_o kept");
            Assert.False(baseline.Rounds.SelectMany(r => r).SequenceEqual(fast.Rounds.SelectMany(r => r)), $"{name} does not reach the rounds");
        }
    }
}
