using ZkMl.Algebra;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.TestKit;

namespace ZkMl.Inference.Tests;

/// <summary>
/// W3's commitment through the zero inputs' common value (<see cref="ZkInference.CommitInputHelper"/>): the same point as the
/// plain grouped commitment for sparse and dense inputs, every way of forming the prefix sum S^P (the reference sum itself, less
/// a short tail, or the head summed directly), and the fallbacks; a wrong reference sum changes the point (it is used). The same
/// from X′'s per-value sums (<see cref="InputValueSums"/>), and the fresh input commitment made from them equal to the plain one.
/// </summary>
public class ZkInputHelperCommitmentTests
{
    private static readonly Srs Srs = Srs.CreateInsecureDev(4095, 11);

    /// <summary>x on the prefix (real columns) with the given share of zeros, 0 past it; groups and values as ZkInference.InputSide forms them.</summary>
    private static (long[] X, int[] Groups, Fr[] Values, Fr AlphaMinusTag, Fr Beta) Input(int length, int prefix, double zeroShare, int seed, int maxAbs = 127)
    {
        var rng = new Random(seed);
        var x = new long[length];
        for (int e = 0; e < prefix; e++) x[e] = rng.NextDouble() < zeroShare ? 0 : rng.Next(1, maxAbs + 1) * (rng.Next(2) == 0 ? 1 : -1);
        var alphaMinusTag = Fr.Random(rng);
        var beta = Fr.Random(rng);
        var ids = new Dictionary<(long, bool), int>();
        var values = new List<Fr>();
        var groups = new int[length];
        for (int e = 0; e < length; e++)
        {
            bool real = e < prefix;
            if (!ids.TryGetValue((x[e], real), out int id))
            {
                id = values.Count;
                ids.Add((x[e], real), id);
                // h = 1/(α − t_X − β·x) on real columns, 0 on padded ones
                values.Add(real ? (alphaMinusTag - beta * Fr.FromInt64(x[e])).Inverse() : Fr.Zero);
            }
            groups[e] = id + 1;
        }
        return (x, groups, values.ToArray(), alphaMinusTag, beta);
    }

    private static G1Affine PowerSum(int count) =>
        Msm.Compute(Srs.G1Powers[..count], Enumerable.Repeat(Fr.One, count).ToArray()).ToAffine();

    [Theory]
    // prefix, reference length (≥ prefix), share of zeros
    [InlineData(1000, 1000, 0.8)] // S^P is the reference sum
    [InlineData(1000, 1100, 0.8)] // less a short tail
    [InlineData(1000, 4096, 0.8)] // the head summed directly
    [InlineData(777, 1501, 0.9)]  // tail and head of nearly equal length, odd sizes
    [InlineData(1000, 1000, 1.0)] // every input 0
    [InlineData(33, 33, 0.5)]
    [InlineData(1, 1, 1.0)]
    public void Sparse_inputs_give_the_plain_grouped_commitment(int prefix, int refLength, double zeroShare)
    {
        var (x, groups, values, amt, _) = Input(prefix + 64, prefix, zeroShare, prefix + refLength);
        var want = HyperKzg.CommitGrouped(Srs, groups, values, prefix);
        var got = ZkInference.CommitInputHelper(Srs, x, groups, values, prefix, amt, refLength, PowerSum(refLength));
        Assert.Equal(want, got);
    }

    [Fact]
    public void The_reference_sum_is_used_when_inputs_are_sparse()
    {
        var (x, groups, values, amt, _) = Input(1064, 1000, 0.8, 5);
        var wrong = (G1Jacobian.FromAffine(PowerSum(1000)) + G1Affine.Generator).ToAffine();
        var want = HyperKzg.CommitGrouped(Srs, groups, values, 1000);
        Assert.NotEqual(want, ZkInference.CommitInputHelper(Srs, x, groups, values, 1000, amt, 1000, wrong));
    }

    [Theory]
    [InlineData(0.0, false)] // dense: no zeros to skip, the plain grouped sum
    [InlineData(0.8, true)]  // α = t_X: h_0 undefined, the plain grouped sum
    public void Dense_inputs_and_alpha_equal_to_the_tag_take_the_plain_grouped_sum(double zeroShare, bool alphaIsTag)
    {
        var (x, groups, values, amt, _) = Input(1064, 1000, zeroShare, 9);
        if (alphaIsTag) amt = Fr.Zero;
        var wrong = (G1Jacobian.FromAffine(PowerSum(1000)) + G1Affine.Generator).ToAffine();
        // the reference sum is not read: a wrong one changes nothing
        Assert.Equal(HyperKzg.CommitGrouped(Srs, groups, values, 1000),
            ZkInference.CommitInputHelper(Srs, x, groups, values, 1000, amt, 1000, wrong));
    }

    [Fact]
    public void A_reference_shorter_than_the_prefix_is_refused()
    {
        var (x, groups, values, amt, _) = Input(1064, 1000, 0.8, 3);
        var ex = Assert.Throws<ArgumentException>(() => ZkInference.CommitInputHelper(Srs, x, groups, values, 1000, amt, 999, PowerSum(999)));
        Assert.Contains("reference sum covers 999 powers", ex.Message);
    }

    [Theory]
    [InlineData(1000, 1000, 0.8)]
    [InlineData(1000, 1100, 0.5)]
    [InlineData(1000, 4096, 0.0)]
    [InlineData(1000, 1100, 1.0)] // no non-zero value: W3 = h_0·S^P
    [InlineData(1, 1, 0.0)]
    public void Per_value_sums_give_the_plain_grouped_commitment(int prefix, int refLength, double zeroShare)
    {
        var (x, groups, values, amt, beta) = Input(prefix + 64, prefix, zeroShare, 3 * prefix + refLength, maxAbs: 15);
        var sums = InputValueSums.Compute(Srs, x);
        Assert.NotNull(sums);
        var want = HyperKzg.CommitGrouped(Srs, groups, values, prefix);
        Assert.Equal(want, ZkInference.CommitInputHelperFromSums(Srs, sums, beta, amt, prefix, refLength, PowerSum(refLength)));
        // teeth: another β gives other helper values, a cleared set of sums another point (both moot without a non-zero value),
        // another reference sum another point (where it is read: L − P < P)
        if (zeroShare < 1) Assert.NotEqual(want, ZkInference.CommitInputHelperFromSums(Srs, sums, beta + Fr.One, amt, prefix, refLength, PowerSum(refLength)));
        var wrongRef = (G1Jacobian.FromAffine(PowerSum(refLength)) + G1Affine.Generator).ToAffine();
        if (refLength - prefix < prefix) Assert.NotEqual(want, ZkInference.CommitInputHelperFromSums(Srs, sums, beta, amt, prefix, refLength, wrongRef));
        else Assert.Equal(want, ZkInference.CommitInputHelperFromSums(Srs, sums, beta, amt, prefix, refLength, wrongRef));
        sums.Clear();
        if (zeroShare < 1) Assert.NotEqual(want, ZkInference.CommitInputHelperFromSums(Srs, sums, beta, amt, prefix, refLength, PowerSum(refLength)));
    }

    [Fact]
    public void Too_many_distinct_values_give_no_sums()
    {
        var x = Enumerable.Range(1, 256).Select(v => (long)v).ToArray(); // 256 distinct values > max(16, 256 / 8)
        Assert.Null(InputValueSums.Compute(Srs, x));
        x[0] = 2; // 255 distinct: still too many
        Assert.Null(InputValueSums.Compute(Srs, x));
        Assert.NotNull(InputValueSums.Compute(Srs, x.Select(v => v % 32).ToArray())); // 31 non-zero values ≤ 32
    }

    [Theory]
    [InlineData(false)] // few distinct values: C_X from the per-value sums
    [InlineData(true)]  // many: the plain small-value commitment, and no sums
    public void The_commitment_from_the_sums_equals_the_plain_one(bool manyValues)
    {
        var rng = new Random(manyValues ? 2 : 1);
        // 3 rows of 7 values in rows of 8 (Bp = 4: row 0 repeated; column 7 padded)
        var rows = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 7).Select(_ => manyValues ? (long)rng.Next(-127, 128) : rng.Next(3) - 1L).ToArray()).ToArray();
        var (c2, o2, sums) = InputCommitment.CommitWithSums(Srs, 8, 7, 1, rows, new SeededRng(5));
        Assert.Single(sums); // (X′ of 4 × 8 entries: one half)
        Assert.Equal(manyValues, sums[0] is null);
        // C_X = [X′(τ)]₁ + s_X·H, X′ committed by the small-value MSM (the blinding's draw is pinned by ProofGoldenTests' private digest)
        var plain = G1Jacobian.FromAffine(HyperKzg.CommitSmall(Srs, InputCommitment.Layout(rows, 8, 7)))
            + G1Jacobian.FromAffine(Srs.BlindingBase!.Value).ScalarMul(o2.Blinding);
        Assert.Equal(plain.ToAffine(), c2.Commitment);
        Assert.True(c2.Check(o2, Srs).IsValid);
        var (c1, o1) = InputCommitment.Commit(Srs, 8, 7, 1, rows, new SeededRng(5));
        Assert.Equal(c2.Commitment, c1.Commitment);
        Assert.Equal(o2.Blinding, o1.Blinding);
        Assert.NotEqual(o2.Blinding, InputCommitment.Commit(Srs, 8, 7, 1, rows, new SeededRng(6)).Opening.Blinding);
    }
}
