using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Tests;

public class BatchOpeningTests
{
    private static Srs Srs => TestSrs.Value;

    private static (OpeningClaim[] Claims, Fr[][] Vectors) MakeClaims(int seed, params int[] numVars)
    {
        var rng = new Random(seed);
        var vectors = new Fr[numVars.Length][];
        var claims = new OpeningClaim[numVars.Length];
        var commitments = new Dictionary<int, G1Affine>();
        for (int i = 0; i < numVars.Length; i++)
        {
            // Claims 1 and 2 (when of equal size) share a vector: two points on one commitment.
            bool share = i == 2 && numVars[1] == numVars[2];
            vectors[i] = share ? vectors[1] : TestSrs.RandomVector(rng, 1 << numVars[i]);
            var x = TestSrs.RandomVector(rng, numVars[i]);
            var c = share ? claims[1].Commitment : HyperKzg.Commit(Srs, vectors[i]);
            claims[i] = new OpeningClaim(c, x, TestSrs.Mle(vectors[i], x));
        }
        return (claims, vectors);
    }

    private static bool Check(OpeningClaim[] claims, BatchOpeningProof proof) =>
        BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, proof, out _);

    public static TheoryData<int[]> Shapes => new()
    {
        new[] { 0 },
        new[] { 3 },
        new[] { 2, 2 },
        new[] { 3, 0, 5, 5, 1 },
        new[] { 1, 4, 4, 2, 6, 3 },
        new[] { 10, 9, 9, 0, 4 },
        new[] { 14, 7, 0, 14 },
    };

    /// <summary>A split vector (its 2^k parts committed) enters the joint opening folded: k variables fewer when it is the largest.</summary>
    [Theory]
    [InlineData(new[] { 5, 3, 3 }, 0, 1, 4)]
    [InlineData(new[] { 5, 3, 3 }, 0, 2, 3)]
    [InlineData(new[] { 3, 6, 6, 2 }, 0, 2, 6)]
    [InlineData(new[] { 2, 7, 4 }, 1, 1, 6)]
    [InlineData(new[] { 2, 7, 4 }, 1, 3, 4)]
    [InlineData(new[] { 1 }, 0, 1, 0)]
    [InlineData(new[] { 2 }, 0, 2, 0)]
    public void SplitVectorFoldsIntoTheJointOpening(int[] shape, int splitClaim, int k, int jointVars)
    {
        var (claims, vectors) = MakeClaims(shape.Sum() * 7 + splitClaim + k, shape);
        var v = vectors[splitClaim];
        int len = v.Length >> k;
        var split = new SplitVector(claims[splitClaim].Commitment, shape[splitClaim],
            Enumerable.Range(0, 1 << k).Select(j => HyperKzg.Commit(Srs, v.AsSpan(j * len, len))).ToArray());
        Assert.True(split.IsWellFormed);
        Assert.Equal(k, split.Bits);
        var proof = BatchOpening.Prove(Srs, new Transcript("batch-test"), claims, vectors, bindClaims: true, [split]);
        int vectorsCount = BatchOpening.Vectors(claims).Count, n = shape.Max();
        var bytes = proof.ToBytes();
        Assert.Equal(BatchOpeningProof.EncodedLength(vectorsCount, n, jointVars), bytes.Length);
        Assert.True(BatchOpeningProof.TryDecode(bytes, vectorsCount, n, jointVars, out var back, out var reason), reason);
        Assert.True(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, back!, bindClaims: true, [split], out reason), reason);
        // each part wrong in turn, the parts reversed, no split at all: rejected
        var g = G1Jacobian.FromAffine(G1Affine.Generator);
        for (int j = 0; j < split.Parts.Length; j++)
        {
            var parts = (G1Affine[])split.Parts.Clone();
            parts[j] = (G1Jacobian.FromAffine(parts[j]) + g).ToAffine();
            Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, back!, bindClaims: true, [split with { Parts = parts }], out _));
        }
        Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, back!, bindClaims: true, [split with { Parts = split.Parts.Reverse().ToArray() }], out _));
        Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, back!, bindClaims: true, null, out _));
        var offCurve = (G1Affine[])split.Parts.Clone();
        offCurve[0] = new G1Affine(offCurve[0].X, offCurve[0].Y + Fq.One);
        Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, back!, bindClaims: true, [split with { Parts = offCurve }], out reason));
        Assert.Contains("not on the curve", reason);
        // a split whose size does not match the vector, or malformed (3 parts), is not applied: the plain proof verifies with it
        var plain = BatchOpening.Prove(Srs, new Transcript("batch-test"), claims, vectors);
        Assert.True(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, plain, bindClaims: true, [split with { NumVars = split.NumVars + 1 }], out reason), reason);
        Assert.True(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, plain, bindClaims: true, [split with { Parts = Enumerable.Repeat(split.Parts[0], 3).ToArray() }], out reason), reason);
    }

    [Fact]
    public void MonomialCoefficientsGiveTheFoldCommitment()
    {
        var rng = new Random(12);
        var parts = Enumerable.Range(0, 8).Select(_ => G1Jacobian.Generator.ScalarMul(Fr.Random(rng)).ToAffine()).ToArray();
        var sv = new SplitVector(G1Affine.Generator, 5, parts);
        var a = sv.MonomialCoefficients();
        var c = new[] { Fr.Random(rng), Fr.Random(rng), Fr.Random(rng) }; // c[t] weighs part bit t
        var want = G1Jacobian.Infinity;
        for (int j = 0; j < 8; j++)
        {
            var w = Fr.One;
            for (int t = 0; t < 3; t++) w *= (j >> t & 1) == 1 ? c[t] : Fr.One - c[t];
            want += G1Jacobian.FromAffine(parts[j]).ScalarMul(w);
        }
        var got = G1Jacobian.Infinity;
        for (int s = 0; s < 8; s++)
        {
            var w = Fr.One;
            for (int t = 0; t < 3; t++) if ((s >> t & 1) == 1) w *= c[t];
            got += G1Jacobian.FromAffine(a[s]).ScalarMul(w);
        }
        Assert.Equal(want.ToAffine(), got.ToAffine());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void HonestBatchVerifies(int[] shape)
    {
        var (claims, vectors) = MakeClaims(shape.Sum() + shape.Length, shape);
        var tp = new Transcript("batch-test");
        var proof = BatchOpening.Prove(Srs, tp, claims, vectors);
        var tv = new Transcript("batch-test");
        Assert.True(BatchOpening.Verify(TestSrs.Vk, tv, claims, proof, out var reason), reason);
        Assert.Equal(tp.State, tv.State);
        var bytes = proof.ToBytes();
        int n = shape.Max();
        int vectorsCount = BatchOpening.Vectors(claims).Count;
        Assert.Equal(shape.Length - (shape.Length > 2 && shape[1] == shape[2] ? 1 : 0), vectorsCount);
        Assert.Equal(vectorsCount, proof.Evaluations.Length);
        Assert.Equal(BatchOpeningProof.EncodedLength(vectorsCount, n), bytes.Length);
        Assert.True(BatchOpeningProof.TryDecode(bytes, vectorsCount, n, out var back, out reason), reason);
        Assert.True(Check(claims, back!));
    }

    /// <summary>The inference form: claims the caller's transcript already determines are not absorbed again.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void UnboundClaimsVerifyOnlyInTheSameMode(int[] shape)
    {
        var (claims, vectors) = MakeClaims(shape.Sum() + 3 * shape.Length, shape);
        var tp = new Transcript("batch-test");
        var proof = BatchOpening.Prove(Srs, tp, claims, vectors, bindClaims: false);
        var tv = new Transcript("batch-test");
        Assert.True(BatchOpening.Verify(TestSrs.Vk, tv, claims, proof, bindClaims: false, out var reason), reason);
        Assert.Equal(tp.State, tv.State);
        if (shape.Length > 1 || shape[0] > 0) // (one claim on a constant: no challenge is used at all)
            Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, proof, bindClaims: true, out _));
        for (int i = 0; i < proof.Evaluations.Length; i++)
        {
            var q = new BatchOpeningProof(proof.RoundPolynomials, (Fr[])proof.Evaluations.Clone(), proof.Opening);
            q.Evaluations[i] += Fr.One;
            Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, q, bindClaims: false, out _), $"evaluation {i}");
        }
        var wrong = (OpeningClaim[])claims.Clone();
        wrong[^1] = wrong[^1] with { Value = wrong[^1].Value + Fr.One };
        Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), wrong, proof, bindClaims: false, out _), "claimed value");
    }

    [Fact]
    public void EveryElementAndClaimIsBound()
    {
        int[] shape = [3, 1, 4, 4];
        var (claims, vectors) = MakeClaims(21, shape);
        var p = BatchOpening.Prove(Srs, new Transcript("batch-test"), claims, vectors);
        Assert.True(Check(claims, p));
        var bytes = p.ToBytes();
        BatchOpeningProof Decode(byte[] b) { Assert.True(BatchOpeningProof.TryDecode(b, shape.Length, 4, out var q, out var why), why); return q!; }

        for (int k = 0; k < p.RoundPolynomials.Length; k++)
            for (int j = 0; j < 2; j++)
            {
                var q = Decode(bytes);
                q.RoundPolynomials[k][j] += Fr.One;
                Assert.False(Check(claims, q), $"round {k} coefficient {j}");
            }
        for (int i = 0; i < p.Evaluations.Length; i++)
        {
            var q = Decode(bytes);
            q.Evaluations[i] += Fr.One;
            Assert.False(Check(claims, q), $"evaluation {i}");
        }
        for (int i = 0; i < p.Opening.FoldCommitments.Length; i++)
        {
            var q = Decode(bytes);
            q.Opening.FoldCommitments[i] = TestSrs.Shift(q.Opening.FoldCommitments[i]);
            Assert.False(Check(claims, q), $"inner fold {i}");
        }
        for (int i = 0; i < p.Opening.Evaluations.Length; i++)
        {
            var q = Decode(bytes);
            q.Opening.Evaluations[i] += Fr.One;
            Assert.False(Check(claims, q), $"inner part value {i}");
        }
        {
            var q = Decode(bytes);
            var o = q.Opening;
            var moved = new BatchOpeningProof(q.RoundPolynomials, q.Evaluations,
                new HyperKzgProof(o.FoldCommitments, o.Evaluations, o.EvalAtR8 + Fr.One, o.Witnesses, o.LastLevel, o.InverseHint));
            Assert.False(Check(claims, moved), "inner P_0(r^8)");
        }
        for (int i = 0; i < 2; i++)
        {
            var q = Decode(bytes);
            q.Opening.Witnesses[i] = TestSrs.Shift(q.Opening.Witnesses[i]);
            Assert.False(Check(claims, q), $"inner witness {i}");
        }
        for (int i = 0; i < claims.Length; i++)
        {
            var cs = (OpeningClaim[])claims.Clone();
            cs[i] = cs[i] with { Value = cs[i].Value + Fr.One };
            Assert.False(Check(cs, p), $"claim {i} value");
            cs = (OpeningClaim[])claims.Clone();
            cs[i] = cs[i] with { Commitment = TestSrs.Shift(cs[i].Commitment) };
            Assert.False(Check(cs, p), $"claim {i} commitment");
            for (int j = 0; j < claims[i].Point.Length; j++)
            {
                cs = (OpeningClaim[])claims.Clone();
                var z = (Fr[])cs[i].Point.Clone(); z[j] += Fr.One;
                cs[i] = cs[i] with { Point = z };
                Assert.False(Check(cs, p), $"claim {i} point {j}");
            }
        }
        Assert.False(Check(claims[..3], p), "dropped claim");
        Assert.False(Check([claims[1], claims[0], claims[2], claims[3]], p), "reordered claims");
    }

    [Fact]
    public void WrongClaimCannotBeProven()
    {
        var (claims, vectors) = MakeClaims(5, 2, 5);
        claims[0] = claims[0] with { Value = claims[0].Value + Fr.One };
        var p = BatchOpening.Prove(Srs, new Transcript("batch-test"), claims, vectors);
        Assert.False(BatchOpening.Verify(TestSrs.Vk, new Transcript("batch-test"), claims, p, out var reason));
        Assert.NotNull(reason);
    }

    [Fact]
    public void TranscriptHistoryIsBound()
    {
        var (claims, vectors) = MakeClaims(6, 3, 2);
        Transcript T(string first, string second)
        {
            var t = new Transcript("batch-test");
            t.AppendScalar(first, Fr.One);
            t.AppendScalar(second, Fr.One);
            return t;
        }
        var p = BatchOpening.Prove(Srs, T("x", "y"), claims, vectors);
        Assert.True(BatchOpening.Verify(TestSrs.Vk, T("x", "y"), claims, p, out _));
        Assert.False(BatchOpening.Verify(TestSrs.Vk, T("y", "x"), claims, p, out _));
    }

    [Fact]
    public void DecodingRejectsAdversarialBytes()
    {
        var (claims, vectors) = MakeClaims(7, 3, 1);
        var good = BatchOpening.Prove(Srs, new Transcript("batch-test"), claims, vectors).ToBytes();
        Assert.False(BatchOpeningProof.TryDecode(good[..^1], 2, 3, out _, out _));
        Assert.False(BatchOpeningProof.TryDecode(good, 3, 3, out _, out _));
        Assert.False(BatchOpeningProof.TryDecode(good, 0, 3, out _, out _));
        var bad = (byte[])good.Clone();
        bad.AsSpan(0, 32).Fill(0xff);
        Assert.False(BatchOpeningProof.TryDecode(bad, 2, 3, out _, out var reason));
        Assert.Contains("round 0", reason);
        for (int i = 0; i < good.Length; i += 11)
        {
            var b = (byte[])good.Clone();
            b[i] ^= 0x04;
            if (BatchOpeningProof.TryDecode(b, 2, 3, out var q, out _))
                Assert.False(Check(claims, q!), $"byte {i}");
        }
    }
}
