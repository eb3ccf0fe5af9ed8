using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Tests;

/// <summary>One development SRS for the commitment tests (2^14 powers, built once).</summary>
internal static class TestSrs
{
    private static readonly Lazy<Srs> Lazy = new(() => Srs.CreateInsecureDev((1 << 14) - 1, seed: 20261122));
    public static Srs Value => Lazy.Value;
    public static KzgVerifierKey Vk => KzgVerifierKey.From(Value);

    public static Fr[] RandomVector(Random rng, int n)
    {
        var v = new Fr[n];
        for (int i = 0; i < n; i++) v[i] = Fr.Random(rng);
        return v;
    }

    /// <summary>
    /// The multilinear extension by its definition, written independently of the library:
    /// ṽ(x) = Σ_idx v[idx]·Π_c (bit_c(idx) ? x_c : 1 − x_c), where coordinate c of the point
    /// multiplies index bit ℓ−1−c (coordinate 0 is the most significant index bit).
    /// </summary>
    public static Fr Mle(Fr[] v, Fr[] x)
    {
        int l = x.Length;
        var sum = Fr.Zero;
        for (int idx = 0; idx < v.Length; idx++)
        {
            var term = v[idx];
            for (int c = 0; c < l; c++)
            {
                bool bit = ((idx >> (l - 1 - c)) & 1) == 1;
                term *= bit ? x[c] : Fr.One - x[c];
            }
            sum += term;
        }
        return sum;
    }

    public static G1Affine Shift(G1Affine p) => (G1Jacobian.FromAffine(p) + G1Affine.Generator).ToAffine();
}

public class HyperKzgTests
{
    private static Srs Srs => TestSrs.Value;

    private static (G1Affine C, Fr[] V, Fr[] X, Fr Y, HyperKzgProof Proof) Make(int l, int seed)
    {
        var rng = new Random(seed);
        var v = TestSrs.RandomVector(rng, 1 << l);
        var x = TestSrs.RandomVector(rng, l);
        var y = TestSrs.Mle(v, x);
        var c = HyperKzg.Commit(Srs, v);
        var proof = HyperKzg.Prove(Srs, new Transcript("hyperkzg-test"), c, v, x, y);
        return (c, v, x, y, proof);
    }

    private static bool Check(G1Affine c, Fr[] x, Fr y, HyperKzgProof p) =>
        HyperKzg.Verify(TestSrs.Vk, new Transcript("hyperkzg-test"), c, x, y, p, out _);

    /// <summary>Every number of variables 0…14 (vectors of 2^0…2^14 entries), random vectors and points.</summary>
    public static TheoryData<int> AllSizes()
    {
        var d = new TheoryData<int>();
        for (int l = 0; l <= 14; l++) d.Add(l);
        return d;
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void HonestProofVerifies(int l)
    {
        var (c, _, x, y, proof) = Make(l, 100 + l);
        Assert.True(HyperKzg.Verify(TestSrs.Vk, new Transcript("hyperkzg-test"), c, x, y, proof, out var reason), reason);
        var bytes = proof.ToBytes();
        Assert.Equal(HyperKzgProof.EncodedLength(l), bytes.Length);
        Assert.True(HyperKzgProof.TryDecode(bytes, l, out var back, out reason), reason);
        Assert.True(Check(c, x, y, back!));
        Assert.Equal(bytes, back!.ToBytes());
    }

    // bindClaim false (the batched opening's use): the claim is not absorbed, so prover and verifier must agree on
    // the mode, and the opening still binds the value, the point and the commitment through its checks.
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void UnboundClaimStillBindsValuePointAndCommitment(int l)
    {
        var (c, v, x, y, bound) = Make(l, 200 + l);
        var proof = HyperKzg.Prove(Srs, new Transcript("hyperkzg-test"), c, v, x, y, null, bindClaim: false);
        bool Unbound(G1Affine cc, Fr[] xx, Fr yy, HyperKzgProof p) =>
            HyperKzg.Verify(TestSrs.Vk, new Transcript("hyperkzg-test"), cc, xx, yy, p, bindClaim: false, out _);
        Assert.True(Unbound(c, x, y, proof));
        Assert.False(Check(c, x, y, proof)); // another transcript: the bound verifier rejects it
        Assert.False(Unbound(c, x, y, bound));
        Assert.False(Unbound(c, x, y + Fr.One, proof));
        var x2 = (Fr[])x.Clone();
        x2[0] += Fr.One;
        Assert.False(Unbound(c, x2, y, proof));
        Assert.False(Unbound((G1Jacobian.FromAffine(c) + G1Affine.Generator).ToAffine(), x, y, proof));
        // a lie proven without the claim absorb is still rejected
        var lie = HyperKzg.Prove(Srs, new Transcript("hyperkzg-test"), c, v, x, y + Fr.One, null, bindClaim: false);
        Assert.False(Unbound(c, x, y + Fr.One, lie));
    }

    [Fact]
    public void BooleanPointsSelectEntriesInTheProjectBitOrder()
    {
        var rng = new Random(3);
        var v = TestSrs.RandomVector(rng, 8);
        var c = HyperKzg.Commit(Srs, v);
        // Point (1, 0, 1): coordinate 0 is the most significant index bit → index 0b101 = 5.
        Fr[] x = [Fr.One, Fr.Zero, Fr.One];
        Assert.Equal(v[5], TestSrs.Mle(v, x));
        var proof = HyperKzg.Prove(Srs, new Transcript("hyperkzg-test"), c, v, x, v[5]);
        Assert.True(Check(c, x, v[5], proof));
        Assert.False(Check(c, x, v[6], proof));
        var wrong = HyperKzg.Prove(Srs, new Transcript("hyperkzg-test"), c, v, x, v[6]);
        Assert.False(Check(c, x, v[6], wrong));
    }

    [Fact]
    public void SmallScalarCommitmentMatchesFieldCommitment()
    {
        var rng = new Random(9);
        var ints = new long[1000];
        for (int i = 0; i < ints.Length; i++) ints[i] = rng.Next(-300, 300);
        ints[0] = long.MinValue + 1; ints[1] = long.MaxValue; ints[2] = -1;
        var frs = ints.Select(Fr.FromInt64).ToArray();
        Assert.Equal(HyperKzg.Commit(Srs, frs), HyperKzg.CommitSmall(Srs, ints));
    }

    [Fact]
    public void FewDistinctCommitmentMatchesPlainCommitment()
    {
        var rng = new Random(10);
        var values = Enumerable.Range(0, 40).Select(_ => Fr.Random(rng)).ToArray();
        foreach (int n in new[] { 1, 64, 4096 })
        {
            var few = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? Fr.Zero : values[rng.Next(values.Length)]).ToArray();
            Assert.Equal(HyperKzg.Commit(Srs, few), HyperKzg.CommitFewDistinct(Srs, few));
            // many distinct values: the plain path
            var many = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
            Assert.Equal(HyperKzg.Commit(Srs, many), HyperKzg.CommitFewDistinct(Srs, many));
        }
        Assert.Equal(G1Affine.Infinity, HyperKzg.CommitFewDistinct(Srs, new Fr[8]));
        Assert.Throws<ArgumentException>(() => HyperKzg.CommitFewDistinct(Srs, new Fr[Srs.G1Powers.Length + 1]));
    }

    [Fact]
    public void WrongValueIsRejected()
    {
        var (c, v, x, y, _) = Make(6, 7);
        var bad = y + Fr.One;
        var proof = HyperKzg.Prove(Srs, new Transcript("hyperkzg-test"), c, v, x, bad);
        Assert.False(HyperKzg.Verify(TestSrs.Vk, new Transcript("hyperkzg-test"), c, x, bad, proof, out var reason));
        Assert.NotNull(reason);
    }

    [Fact]
    public void EveryProofElementIsBound()
    {
        const int l = 8;
        var (c, _, x, y, p) = Make(l, 11);
        Assert.True(Check(c, x, y, p));
        HyperKzgProof Clone() => new(
            (G1Affine[])p.FoldCommitments.Clone(), (Fr[])p.Evaluations.Clone(), p.EvalAtR8, (G1Affine[])p.Witnesses.Clone(), (Fr[])p.LastLevel.Clone(), p.InverseHint);
        Assert.Equal(HyperKzg.OpenedLevels(l) - 1, p.FoldCommitments.Length);
        Assert.Equal(4, p.LastLevel.Length); // ℓ = 8: levels of 3, 3, 2 bits; the last (4 coefficients) in the clear
        for (int i = 0; i < p.LastLevel.Length; i++)
        {
            var q = Clone(); q.LastLevel[i] += Fr.One;
            Assert.False(Check(c, x, y, q), $"last level coefficient {i}");
        }
        for (int i = 0; i < p.FoldCommitments.Length; i++)
        {
            var q = Clone(); q.FoldCommitments[i] = TestSrs.Shift(q.FoldCommitments[i]);
            Assert.False(Check(c, x, y, q), $"fold {i}");
        }
        for (int i = 0; i < 2; i++)
        {
            var q = Clone(); q.Witnesses[i] = TestSrs.Shift(q.Witnesses[i]);
            Assert.False(Check(c, x, y, q), $"witness {i}");
        }
        for (int i = 0; i < p.Evaluations.Length; i++)
        {
            var q = Clone(); q.Evaluations[i] += Fr.One;
            Assert.False(Check(c, x, y, q), $"G_({i / 8},{i % 8})");
        }
        var moved = new HyperKzgProof(p.FoldCommitments, p.Evaluations, p.EvalAtR8 + Fr.One, p.Witnesses, p.LastLevel, p.InverseHint);
        Assert.False(Check(c, x, y, moved), "P_0(r^8)");
        var badHint = new HyperKzgProof(p.FoldCommitments, p.Evaluations, p.EvalAtR8, p.Witnesses, p.LastLevel, p.InverseHint + Fr.One);
        Assert.False(Check(c, x, y, badHint), "inverse hint");
        Assert.False(Check(c, x, y + Fr.One, p), "value");
        Assert.False(Check(TestSrs.Shift(c), x, y, p), "commitment");
        for (int i = 0; i < l; i++)
        {
            var x2 = (Fr[])x.Clone(); x2[i] += Fr.One;
            Assert.False(Check(c, x2, y, p), $"point {i}");
        }
        Assert.False(Check(c, x[..(l - 1)], y, p), "shorter point");
    }

    [Fact]
    public void ConstantPolynomialIsChecked()
    {
        var v = new[] { Fr.FromInt64(42) };
        var c = HyperKzg.Commit(Srs, v);
        var p = HyperKzg.Prove(Srs, new Transcript("hyperkzg-test"), c, v, [], v[0]);
        Assert.True(Check(c, [], v[0], p));
        Assert.False(Check(c, [], Fr.FromInt64(43), p));
        Assert.False(Check(TestSrs.Shift(c), [], v[0], p));
    }

    [Fact]
    public void TranscriptHistoryIsBound()
    {
        var rng = new Random(5);
        var v = TestSrs.RandomVector(rng, 16);
        var x = TestSrs.RandomVector(rng, 4);
        var y = TestSrs.Mle(v, x);
        var c = HyperKzg.Commit(Srs, v);
        Transcript Ordered(bool abFirst)
        {
            var t = new Transcript("hyperkzg-test");
            if (abFirst) { t.AppendScalar("a", Fr.One); t.AppendScalar("b", Fr.FromInt64(2)); }
            else { t.AppendScalar("b", Fr.FromInt64(2)); t.AppendScalar("a", Fr.One); }
            return t;
        }
        var proof = HyperKzg.Prove(Srs, Ordered(true), c, v, x, y);
        Assert.True(HyperKzg.Verify(TestSrs.Vk, Ordered(true), c, x, y, proof, out _));
        Assert.False(HyperKzg.Verify(TestSrs.Vk, Ordered(false), c, x, y, proof, out _));
        Assert.False(HyperKzg.Verify(TestSrs.Vk, new Transcript("other-domain"), c, x, y, proof, out _));
    }

    [Fact]
    public void ProverAndVerifierLeaveTheTranscriptInTheSameState()
    {
        var (c, v, x, y, _) = Make(4, 13);
        var tp = new Transcript("hyperkzg-test");
        var p = HyperKzg.Prove(Srs, tp, c, v, x, y);
        var tv = new Transcript("hyperkzg-test");
        Assert.True(HyperKzg.Verify(TestSrs.Vk, tv, c, x, y, p, out _));
        Assert.Equal(tp.State, tv.State);
    }

    [Fact]
    public void DecodingRejectsAdversarialBytesWithoutThrowing()
    {
        const int l = 7; // levels of 3, 3, 1 bits: one fold commitment, the last level in the clear
        var (c, _, x, y, p) = Make(l, 17);
        var good = p.ToBytes();
        Assert.False(HyperKzgProof.TryDecode(good[..^1], l, out _, out var reason));
        Assert.Contains("bytes", reason);
        Assert.False(HyperKzgProof.TryDecode(good, l + 3, out _, out _));
        Assert.False(HyperKzgProof.TryDecode(good, -1, out _, out _));

        var big = (byte[])good.Clone();
        big.AsSpan(0, 32).Fill(0xff);
        Assert.False(HyperKzgProof.TryDecode(big, l, out _, out reason));
        Assert.Contains("fold commitment 1", reason);

        var offCurve = (byte[])good.Clone();
        offCurve[63] ^= 1;
        Assert.False(HyperKzgProof.TryDecode(offCurve, l, out _, out reason));
        Assert.Contains("not on the BN254 curve", reason);

        var bigFr = (byte[])good.Clone();
        bigFr.AsSpan(good.Length - 32, 32).Fill(0xff);
        Assert.False(HyperKzgProof.TryDecode(bigFr, l, out _, out reason));
        Assert.Contains("modulus", reason);

        var rng = new Random(99);
        for (int t = 0; t < 200; t++)
        {
            var junk = new byte[rng.Next(2) == 0 ? good.Length : rng.Next(0, 2 * good.Length)];
            rng.NextBytes(junk);
            if (rng.Next(2) == 0) for (int k = 0; k < junk.Length; k += 32) junk[k] &= 0x0f;
            if (HyperKzgProof.TryDecode(junk, l, out var q, out _))
                Assert.False(Check(c, x, y, q!));
        }

        // Any single-byte change of a valid encoding either fails to decode or fails to verify.
        for (int i = 0; i < good.Length; i += 7)
        {
            var b = (byte[])good.Clone();
            b[i] ^= 0x01;
            if (HyperKzgProof.TryDecode(b, l, out var q, out _))
                Assert.False(Check(c, x, y, q!), $"byte {i}");
        }
    }

    [Fact]
    public void ProverRejectsBadInputs()
    {
        var v = new Fr[8];
        Assert.Throws<ArgumentException>(() => HyperKzg.Prove(Srs, new Transcript("t"), G1Affine.Infinity, v, new Fr[2], Fr.Zero));
        var small = Srs.CreateInsecureDev(3, 1);
        Assert.Throws<ArgumentException>(() => HyperKzg.Commit(small, v));
        Assert.Throws<ArgumentException>(() => HyperKzg.Prove(small, new Transcript("t"), G1Affine.Infinity, v, new Fr[3], Fr.Zero));
    }
}

public class HyperKzgFixedPartTests
{
    /// <summary>A vector c·fixed + other opened with the fixed part's precomputed fold bases gives the same proof bytes.</summary>
    [Theory]
    [InlineData(7, 10, 1)]
    [InlineData(9, 12, 2)]
    [InlineData(12, 12, 2)]
    [InlineData(4, 4, 2)]
    public void PrecomputedFoldsGiveTheSameProof(int fixedVars, int l, int levels)
    {
        var srs = TestSrs.Value;
        var rng = new Random(fixedVars * 31 + l);
        var fixedVec = Enumerable.Range(0, 1 << fixedVars).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        var c = Fr.Random(rng);
        var v = new Fr[1 << l];
        for (int i = 0; i < fixedVec.Length; i++) v[i] = c * Fr.FromInt64(fixedVec[i]);
        for (int i = 0; i < 40; i++) v[rng.Next(v.Length)] += Fr.Random(rng);  // the other components
        var x = TestSrs.RandomVector(rng, l);
        var y = TestSrs.Mle(v, x);
        var com = HyperKzg.Commit(srs, v);
        var plain = HyperKzg.Prove(srs, new Transcript("hk-fixed"), com, v, x, y).ToBytes();
        var bases = FoldBases.Compute(srs, fixedVec, levels);
        var withFixed = HyperKzg.Prove(srs, new Transcript("hk-fixed"), com, v, x, y, new FixedPart(c, fixedVec.Select(Fr.FromInt64).ToArray(), bases)).ToBytes();
        Assert.Equal(plain, withFixed);
        // the same fixed vector as a weighted sum of parts: 2·(fixed + p) − 2p, the parts' bases precomputed
        var other = Enumerable.Range(0, 1 << fixedVars).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        var sum = fixedVec.Zip(other, (a, b) => a + b).ToArray();
        var split = new FixedPart(c, fixedVec.Select(Fr.FromInt64).ToArray(),
            [FoldBases.Compute(srs, sum, levels), FoldBases.Compute(srs, other, levels)], [Fr.One, -Fr.One]);
        Assert.Equal(plain, HyperKzg.Prove(srs, new Transcript("hk-fixed"), com, v, x, y, split).ToBytes());
        var back = FoldBases.FromBytes(bases.ToBytes());
        Assert.Equal(bases.Levels.SelectMany(p => p), back.Levels.SelectMany(p => p));
        Assert.Throws<FormatException>(() => FoldBases.FromBytes(bases.ToBytes()[..^1]));
        var bad = bases.ToBytes();
        bad[10] ^= 1;
        Assert.Throws<FormatException>(() => FoldBases.FromBytes(bad));
    }
}
