using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// Split opening vectors (docs/protocol.md "ZK mode: split opening vectors"): <see cref="OpeningWeight.Half"/> against the
/// weight's own table and MLE for every kind, and <see cref="ZkOpeningSplit.Claims"/> in a ZK batched opening whose vectors
/// are committed as halves — honest claims verify; a wrong value, swapped halves or a half of another vector are rejected.
/// </summary>
public class ZkOpeningSplitTests
{
    private static Srs Srs => TestSrs.Value;

    /// <summary>Weights of every kind over n variables, with the blocks and Boolean coordinates the split must route.</summary>
    private static IEnumerable<(string Name, OpeningWeight W)> Weights(Random rng, int n)
    {
        var z = TestSrs.RandomVector(rng, n);
        yield return ("eq", OpeningWeight.Eq(z));
        var z0 = (Fr[])z.Clone(); z0[0] = Fr.Zero;
        yield return ("eq, top 0", OpeningWeight.Eq(z0));
        var z1 = (Fr[])z.Clone(); z1[0] = Fr.One;
        yield return ("eq, top 1", OpeningWeight.Eq(z1));
        var half = Enumerable.Repeat(Fr.FromInt64(2).Inverse(), n).ToArray();
        yield return ("eq(½…½)", OpeningWeight.Eq(half));
        for (int m = 0; m <= n; m++)
            for (long j = 0; j < 1L << (n - m); j += Math.Max(1, (1L << (n - m)) / 4))
                yield return ($"block {j} of 2^{m}", OpeningWeight.InBlock(n, j, OpeningWeight.Eq(TestSrs.RandomVector(rng, m))));
        var libra = OpeningWeight.Libra(TestSrs.RandomVector(rng, 2));
        if (libra.NumVars < n) yield return ("Libra in block 1", OpeningWeight.InBlock(n, 1, libra));
        if (libra.NumVars == n) yield return ("Libra on the whole vector", libra);
        yield return ("block 0 of a whole block", OpeningWeight.InBlock(n, 0, OpeningWeight.InBlock(n, 1, OpeningWeight.Eq(TestSrs.RandomVector(rng, n - 2)))));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Each_half_is_the_weight_restricted_to_its_top_bit(int n)
    {
        var rng = new Random(40 + n);
        foreach (var (name, w) in Weights(rng, n).Where(x => x.W.NumVars == n))
        {
            var full = w.Table();
            int half = full.Length / 2;
            for (int bit = 0; bit < 2; bit++)
            {
                var (f, h) = w.Half(bit);
                if (h is null)
                {
                    Assert.True(full.AsSpan(bit * half, half).IndexOfAnyExcept(Fr.Zero) < 0, $"{name}, half {bit}: no weight, but the table's half is not zero");
                    continue;
                }
                Assert.Equal(n - 1, h.NumVars);
                var t = h.Table();
                for (int i = 0; i < half; i++) Assert.True(f * t[i] == full[bit * half + i], $"{name}, half {bit}: entry {i}");
                var r = TestSrs.RandomVector(rng, n - 1);
                Assert.True(f * h.Evaluate(r) == w.Evaluate([bit == 1 ? Fr.One : Fr.Zero, .. r]), $"{name}, half {bit}: the MLE");
            }
        }
        Assert.Throws<ArgumentException>(() => OpeningWeight.Eq([]).Half(0));
        Assert.Throws<ArgumentException>(() => OpeningWeight.Eq(TestSrs.RandomVector(rng, 2)).Half(2));
    }

    /// <summary>Vectors 1 and 3 (of four) split: each half committed alone; the claims of <see cref="ZkOpeningCase"/> (eq, Boolean-led, combined, Libra).</summary>
    private static (ZkOpeningVector[] Vectors, ZkOpeningWitness[] Witnesses, List<ZkOpeningClaim> Claims, ZkOpeningCase Whole) Split(int seed)
    {
        var c = ZkOpeningCase.Make(seed, true, 0, 0, [7, 8, 5, 8]);
        bool[] split = [false, true, false, true];
        var vectors = new List<ZkOpeningVector>();
        var witnesses = new List<ZkOpeningWitness>();
        var rng = new Random(seed);
        for (int g = 0; g < c.Vectors.Length; g++)
        {
            var v = c.Witnesses[g].Values;
            if (!split[g]) { vectors.Add(c.Vectors[g]); witnesses.Add(c.Witnesses[g]); continue; }
            int half = v.Length / 2;
            for (int h = 0; h < 2; h++)
            {
                var hc = HyperKzg.CommitHiding(Srs, v[(h * half)..((h + 1) * half)], new SeededRng(rng.Next()));
                vectors.Add(new ZkOpeningVector($"{c.Vectors[g].Role} half {h}", hc.Commitment, c.Vectors[g].NumVars - 1));
                witnesses.Add(new ZkOpeningWitness(v, h * half, half, hc.Blinding)); // a view of the whole vector's entries
            }
        }
        return ([.. vectors], [.. witnesses], ZkOpeningSplit.Claims(c.Claims, split), c);
    }

    [Fact]
    public void Split_claims_verify_on_the_halves_and_keep_their_values()
    {
        var (vectors, witnesses, claims, whole) = Split(61);
        Assert.Equal(6, vectors.Length);
        Assert.Equal([0, 1, 3, 4], ZkOpeningSplit.Positions([false, true, false, true]));
        int n = vectors.Max(v => v.NumVars);
        Assert.Equal(7, n); // the split 2^8 vectors are halves of 2^7
        for (int i = 0; i < claims.Count; i++)
        {
            var s = Fr.Zero;
            foreach (var t in claims[i].Terms)
            {
                var table = t.Weight.Table();
                var e = witnesses[t.Vector].Values.AsSpan(witnesses[t.Vector].Offset, witnesses[t.Vector].Length);
                var ip = Fr.Zero;
                for (int k = 0; k < e.Length; k++) ip += table[k] * e[k];
                s += t.Coefficient * ip;
            }
            Assert.True(s == claims[i].Value, $"claim {i}: the split terms' sum is not the claim's value");
            Assert.True(s == ZkOpeningCase.ValueOf(whole.Claims[i], whole.Witnesses), $"claim {i}: not the whole vector's value");
        }
        var mask = ZkOpeningMask.Sample(Srs, ZkOpeningSetup.MaskPoints(Srs, n), n);
        // (not binding the statement in the opening's transcript, as the inference proof: the changes below must fail through the
        // joint commitment and the claims, not through a changed transcript)
        var proof = ZkBatchOpening.Prove(Srs, ZkOpeningCase.T(), vectors, witnesses, claims, mask, bindStatement: false);
        Assert.True(ZkBatchOpening.Verify(TestSrs.Vk, Srs.BlindingBase!.Value, ZkOpeningCase.T(), vectors, claims, mask.Commitments, proof, false, out var why), why);

        // a claim's value changed; the halves of vector 1 swapped; vector 3's high half replaced by vector 1's
        var wrong = claims.ToList();
        wrong[2] = wrong[2] with { Value = wrong[2].Value + Fr.One };
        Assert.False(ZkBatchOpening.Verify(TestSrs.Vk, Srs.BlindingBase!.Value, ZkOpeningCase.T(), vectors, wrong, mask.Commitments, proof, false, out _));
        var swapped = (ZkOpeningVector[])vectors.Clone();
        (swapped[1], swapped[2]) = (swapped[2] with { Role = swapped[1].Role }, swapped[1] with { Role = swapped[2].Role });
        Assert.False(ZkBatchOpening.Verify(TestSrs.Vk, Srs.BlindingBase!.Value, ZkOpeningCase.T(), swapped, claims, mask.Commitments, proof, false, out _));
        var other = (ZkOpeningVector[])vectors.Clone();
        other[5] = other[5] with { Commitment = vectors[2].Commitment };
        Assert.False(ZkBatchOpening.Verify(TestSrs.Vk, Srs.BlindingBase!.Value, ZkOpeningCase.T(), other, claims, mask.Commitments, proof, false, out _));
    }

    [Fact]
    public void A_term_on_a_vector_outside_the_split_list_is_refused()
    {
        var claim = ZkOpeningClaim.At(2, TestSrs.RandomVector(new Random(3), 4), Fr.One);
        Assert.Throws<ArgumentException>(() => ZkOpeningSplit.Claims([claim], [false, true]));
    }

    [Fact]
    public void A_view_witness_must_lie_inside_its_source()
    {
        var v = new Fr[8];
        Assert.Throws<ArgumentException>(() => new ZkOpeningWitness(v, 4, 8, Fr.One));
        Assert.Throws<ArgumentException>(() => new ZkOpeningWitness(v, -1, 4, Fr.One));
        Assert.Throws<ArgumentException>(() => new ZkOpeningWitness(v, 0, 0, Fr.One));
        Assert.Equal(4, new ZkOpeningWitness(v, 4, 4, Fr.One).Length);
    }
}
