using ZkMl.Algebra;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The grouped fast paths for tables of few distinct values against their plain twins: the round sum over value pairs
/// (<see cref="GroupedRound.Evaluate"/>) against <see cref="RoundKernel.AccumulateScalar"/> and the definition, the grouped bind
/// (<see cref="DenseMle.BindGrouped"/>) against <see cref="DenseMle.Bind"/>, and the masked LogUp with a grouped input side against
/// the same LogUp without the grouping (same bytes). Sizes below and above the parallel threshold, odd pair counts, zero tails
/// (a value 0 on the last entries), sparse ids (most entries one value) and dense ones (uniform).
/// </summary>
public class GroupedRoundTests
{
    public enum Layout { Dense, Sparse, ZeroTail }

    // ids (1-based) over 2·half entries; value 1 (index 0) is the common one in Sparse, the zero-valued one in ZeroTail.
    private static int[] Ids(Random rng, int count, int k, Layout layout) => Enumerable.Range(0, count).Select(e => layout switch
    {
        Layout.Dense => 1 + rng.Next(k),
        Layout.Sparse => rng.Next(10) < 9 ? 1 : 1 + rng.Next(k),
        _ => e >= count - count / 4 ? 1 : 1 + rng.Next(k),
    }).ToArray();

    private static Fr[] Values(Random rng, int k, Layout layout)
    {
        var v = Enumerable.Range(0, k).Select(_ => Fr.Random(rng)).ToArray();
        if (layout == Layout.ZeroTail) v[0] = Fr.Zero;
        return v;
    }

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 0 }, { 1, 3, 1 }, { 7, 2, 2 }, { 64, 5, 0 }, { 333, 17, 1 }, { Parallelism.Threshold + 5, 9, 2 }, { 1 << 14, 64, 0 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Round_sum_over_value_pairs_equals_the_plain_kernel(int half, int k, int seed)
    {
        var rng = new Random(100 + half + k + seed);
        foreach (var layout in Enum.GetValues<Layout>())
            foreach (bool weighted in new[] { false, true })
                for (int d = 0; d <= 3; d++)
                {
                    var ids = Ids(rng, 2 * half, k, layout);
                    var values = Enumerable.Range(0, 3).Select(_ => Values(rng, k, layout)).ToArray();
                    var arrays = values.Select(v => ids.Select(i => v[i - 1]).ToArray()).ToArray();
                    int[][] factors = [[0, 1], [2], [], [0, 1, 2], [1, 1]];
                    var coefficients = new[] { Fr.One, -Fr.One, Fr.Random(rng), Fr.Random(rng), Fr.One };
                    var kinds = SumcheckProver.TermKinds(coefficients);
                    var points = d == 0 ? new[] { 0 } : new[] { 0 }.Concat(Enumerable.Range(2, d - 1)).ToArray();
                    var weights = weighted ? Enumerable.Range(0, half).Select(_ => Fr.Random(rng)).ToArray() : null;
                    var plain = new Fr[points.Length];
                    RoundKernel.AccumulateScalar(0, half, half, arrays, [-1, -1, -1], factors, kinds, coefficients, points, d, weights, plain);
                    var grouped = new Fr[points.Length];
                    GroupedRound.Evaluate(ids, values, half, factors, kinds, coefficients, points, d, weights, grouped);
                    Assert.Equal(plain, grouped);
                    if (half <= 64) Assert.Equal(Definition(arrays, half, factors, coefficients, points, weights), grouped);
                }
    }

    private static Fr[] Definition(Fr[][] arrays, int half, int[][] factors, Fr[] coefficients, int[] points, Fr[]? weights)
    {
        var acc = new Fr[points.Length];
        for (int j = 0; j < half; j++)
            for (int p = 0; p < points.Length; p++)
            {
                var x = Fr.FromInt64(points[p]);
                var sum = Fr.Zero;
                for (int t = 0; t < factors.Length; t++)
                {
                    var prod = coefficients[t];
                    foreach (var f in factors[t]) prod *= arrays[f][j] + x * (arrays[f][j + half] - arrays[f][j]);
                    sum += prod;
                }
                acc[p] += weights is null ? sum : weights[j] * sum;
            }
        return acc;
    }

    [Fact]
    public void A_changed_value_or_pair_changes_the_grouped_sum()
    {
        var rng = new Random(5);
        const int half = 32, k = 4;
        var ids = Ids(rng, 2 * half, k, Layout.Dense);
        Fr[][] values = [Values(rng, k, Layout.Dense), Values(rng, k, Layout.Dense)];
        int[][] factors = [[0, 1]];
        Fr[] c = [Fr.One];
        Fr[] Sum(int[] i, Fr[][] v)
        {
            var acc = new Fr[2];
            GroupedRound.Evaluate(i, v, half, factors, [1], c, [0, 2], 2, null, acc);
            return acc;
        }
        var reference = Sum(ids, values);
        var moved = (int[])ids.Clone();
        moved[half + 3] = moved[half + 3] % k + 1; // another hi value in one pair
        Assert.NotEqual(reference, Sum(moved, values));
        var changed = values.Select(v => (Fr[])v.Clone()).ToArray();
        changed[1][ids[0] - 1] += Fr.One;
        Assert.NotEqual(reference, Sum(ids, changed));
        var bad = (int[])ids.Clone();
        bad[5] = k + 1;
        Assert.Throws<ArgumentException>(() => Sum(bad, values));
        bad[5] = 0;
        Assert.Throws<ArgumentException>(() => Sum(bad, values));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Grouped_bind_equals_the_plain_bind(int half, int k, int seed)
    {
        var rng = new Random(200 + half + k + seed);
        foreach (var layout in Enum.GetValues<Layout>())
        {
            var ids = Ids(rng, 2 * half, k, layout);
            var v = Values(rng, k, layout);
            var table = ids.Select(i => v[i - 1]).ToArray();
            var r = Fr.Random(rng);
            var plain = new Fr[half];
            DenseMle.Bind(table.AsSpan(0, half), table.AsSpan(half), r, plain);
            var grouped = new Fr[half];
            DenseMle.BindGrouped(new ValueGroups(ids, v), half, r, grouped);
            Assert.Equal(plain, grouped);
            // in place, as a table's own array
            var own = (Fr[])table.Clone();
            DenseMle.BindGrouped(new ValueGroups(ids, v), half, r, own);
            Assert.Equal(plain, own.AsSpan(0, half).ToArray());
            if ((half & (half - 1)) != 0) continue;
            // through DenseMle: owned and borrowed, the grouping taken when it pays, dropped after the first bind
            foreach (bool borrowed in new[] { false, true })
            {
                var copy = (Fr[])table.Clone();
                var mle = (borrowed ? DenseMle.Borrowed(copy) : new DenseMle(copy)).WithGroups(new ValueGroups(ids, v));
                var reference = new DenseMle((Fr[])table.Clone());
                var r2 = Fr.Random(rng);
                mle.BindFirst(r);
                reference.BindFirst(r);
                Assert.Null(mle.Groups);
                if (half > 1)
                {
                    mle.BindFirst(r2);
                    reference.BindFirst(r2);
                }
                Assert.Equal(reference.Values.ToArray(), mle.Values.ToArray());
                if (borrowed) Assert.Equal(table, copy);
            }
        }
        var bad = Ids(rng, 2 * half, k, Layout.Dense);
        bad[half] = k + 1;
        Assert.Throws<ArgumentException>(() => DenseMle.BindGrouped(new ValueGroups(bad, Values(rng, k, Layout.Dense)), half, Fr.One, new Fr[half]));
    }

    [Fact]
    public void The_grouped_paths_are_taken_only_where_they_pay()
    {
        var ids = new int[2 * 64];
        Array.Fill(ids, 1);
        var a = new DenseMle(new Fr[128]).WithGroups(new ValueGroups(ids, new Fr[8]));
        var b = new DenseMle(new Fr[128]).WithGroups(new ValueGroups(ids, new Fr[8]));
        Assert.True(GroupedRound.TryGroups([a, b], 64, out var shared, out var values));
        Assert.Same(ids, shared);
        Assert.Equal(2, values.Length);
        Assert.False(GroupedRound.TryGroups([a, b], 32, out _, out _)); // 8² > 32
        Assert.False(GroupedRound.TryGroups([a, new DenseMle(new Fr[128])], 64, out _, out _)); // one factor not grouped
        var other = new DenseMle(new Fr[128]).WithGroups(new ValueGroups((int[])ids.Clone(), new Fr[8]));
        Assert.False(GroupedRound.TryGroups([a, other], 64, out _, out _)); // another id array
        Assert.True(DenseMle.GroupedBindPays(8, 64));
        Assert.False(DenseMle.GroupedBindPays(9, 64));
        Assert.Throws<ArgumentException>(() => new DenseMle(new Fr[64]).WithGroups(new ValueGroups(ids, new Fr[8])));
    }

    /// <summary>
    /// The masked LogUp with an input side: the same bytes with and without <see cref="LogUpInputSide.Groups"/> (copying and
    /// consuming), with a zero-helper tail (sel = 0 there) and without, sparse and dense inputs, the input side longer than,
    /// equal to and shorter than the witness; the bytes verify. The grouped round is taken exactly where the input side is read
    /// alone (n_in above the other sides' variables), the grouped bind of f_in and h_in in every grouped proof (K² ≤ the pairs).
    /// </summary>
    [Theory]
    [InlineData(5, 3, 10, 1024, Layout.Dense)]
    [InlineData(5, 3, 10, 700, Layout.Sparse)]
    [InlineData(9, 4, 10, 1000, Layout.ZeroTail)]
    [InlineData(10, 4, 10, 1024, Layout.Sparse)]
    [InlineData(11, 3, 9, 300, Layout.Dense)]
    public void A_grouped_input_side_gives_the_same_proof(int n, int m, int nIn, int prefix, Layout layout)
    {
        var rng = new Random(300 + n + nIn + prefix);
        var alpha = Fr.Random(rng);
        var table = Enumerable.Range(0, 1 << m).Select(i => Fr.FromInt64(i * 3 - 7)).ToArray();
        var f = Enumerable.Range(0, 1 << n).Select(_ => table[rng.Next(table.Length)]).ToArray();
        // the input: few distinct table values, ids 1-based; padded entries (e ≥ prefix) their own ids with h = 0
        const int k = 6;
        var realValues = Enumerable.Range(0, k).Select(i => table[(i * 5) % table.Length]).ToArray();
        var idsReal = Ids(rng, 1 << nIn, k, layout);
        var ids = idsReal.Select((id, e) => e < prefix ? id : k + (id - 1) % 2 + 1).ToArray();
        Fr[] fValues = [.. realValues, Fr.FromInt64(3_000_001), Fr.FromInt64(3_000_002)];
        Fr[] hValues = [.. realValues.Select(v => (alpha - v).Inverse()), Fr.Zero, Fr.Zero];
        var fin = ids.Select(i => fValues[i - 1]).ToArray();
        var hin = ids.Select(i => hValues[i - 1]).ToArray();
        var sel = Enumerable.Range(0, fin.Length).Select(e => e < prefix ? Fr.One : Fr.Zero).ToArray();
        var mult = LogUpProver.Multiplicities([.. f, .. fin.AsSpan(0, prefix)], table);
        var (hw, ht) = LogUpProver.ComputeHelpers(f, table, mult, alpha);
        LogUpPolynomial[] which = [LogUpPolynomial.WitnessHelper, LogUpPolynomial.Witness, LogUpPolynomial.TableHelper, LogUpPolynomial.Table,
            LogUpPolynomial.Multiplicities, LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness];
        int nn = Math.Max(Math.Max(n, m), nIn);
        var mrng = new Random(17);
        var masks = which.ToDictionary(p => p, p => VanishingMask.Affine(nn - (p is LogUpPolynomial.InputHelper or LogUpPolynomial.InputWitness ? nIn
            : p is LogUpPolynomial.WitnessHelper or LogUpPolynomial.Witness ? n : m), Fr.Random(mrng), Fr.Random(mrng)));
        var degrees = LogUpProver.MaskedDegrees(n, m, which, nIn);
        Fr SelAt(Fr[] r) => DenseMle.Evaluate(sel, r);
        var groups = new LogUpInputGroups(ids, fValues, hValues);
        // the grouped round runs where the input side's variables are read alone (n_in above the other sides'), the grouped
        // bind wherever the input side is bound first with K² ≤ its pairs: counted per proof, asserted below
        bool roundExpected = nIn > Math.Max(n, m);
        byte[] Prove(bool grouped, bool consuming)
        {
            var rounds = GroupedRound.TakenProbe.Value = new System.Runtime.CompilerServices.StrongBox<int>();
            var binds = DenseMle.GroupedBindProbe.Value = new System.Runtime.CompilerServices.StrongBox<int>();
            try { return ProveOnce(grouped, consuming); }
            finally
            {
                GroupedRound.TakenProbe.Value = null;
                DenseMle.GroupedBindProbe.Value = null;
                Assert.Equal(grouped && roundExpected ? 1 : 0, rounds.Value);
                Assert.Equal(grouped ? 2 : 0, binds.Value); // f_in and h_in, once each
            }
        }
        byte[] ProveOnce(bool grouped, bool consuming, LogUpInputGroups? other = null)
        {
            var side = new LogUpInputSide(consuming ? (Fr[])fin.Clone() : fin, hin, SelectorMle: SelAt) { Groups = other ?? (grouped ? groups : null) };
            var lm = LibraMask.Sample(degrees, new SeededRng(12));
            var t = new Transcript("zkml-grouped-test");
            return consuming
                ? LogUpProver.ProveMaskedConsuming(t, (Fr[])f.Clone(), (Fr[])table.Clone(), mult, (Fr[])hw.Clone(), ht, alpha, lm, [], masks, checkSums: true, side).Proof.ToBytes()
                : LogUpProver.ProveMaskedCore(t, f, table, mult, hw, ht, alpha, lm, [], masks, checkSums: true, side).Proof.ToBytes();
        }
        var reference = Prove(grouped: false, consuming: false);
        var hin0 = (Fr[])hin.Clone();
        var (fv0, hv0) = ((Fr[])fValues.Clone(), (Fr[])hValues.Clone());
        Assert.Equal(reference, Prove(grouped: true, consuming: false));
        Assert.Equal(reference, Prove(grouped: true, consuming: true));
        Assert.Equal(reference, Prove(grouped: false, consuming: true));
        Assert.Equal(hin0, hin);
        Assert.Equal(fv0, fValues);
        Assert.Equal(hv0, hValues);
        Assert.True(LogUpMaskedProof.TryParse(reference, degrees, inputSide: true, out var parsed, out var err), err);
        var res = LogUpVerifier.VerifyMasked(new Transcript("zkml-grouped-test"), alpha, n, m, which, [], parsed, nIn, SelAt);
        Assert.True(res.Success, res.Error);
        // Groups that break their promise (a helper or a witness value that is not the entries') are refused, not proven.
        var id0 = ids[0] - 1;
        var badHelper = (Fr[])hValues.Clone(); badHelper[id0] += Fr.One;
        var badWitness = (Fr[])fValues.Clone(); badWitness[id0] += Fr.One;
        foreach (var consuming in new[] { false, true })
        {
            Assert.Throws<LogUpException>(() => ProveOnce(true, consuming, new LogUpInputGroups(ids, fValues, badHelper)));
            Assert.Throws<LogUpException>(() => ProveOnce(true, consuming, new LogUpInputGroups(ids, badWitness, hValues)));
        }
    }
}
