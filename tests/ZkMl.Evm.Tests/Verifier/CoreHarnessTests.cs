using System.Numerics;
using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// Differential tests of the Solidity verifier core against the C# sub-protocols on a real anvil
/// node: the same proof bytes give the same verdict, the same outputs and the same transcript state.
/// </summary>
[Collection(HarnessCollection.Name)]
public class CoreHarnessTests(HarnessFixture h)
{
    private static readonly BigInteger R = BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617");

    private static Fr[] RandomFrs(Random rng, int n)
    {
        var v = new Fr[n];
        for (int i = 0; i < n; i++) v[i] = Fr.Random(rng);
        return v;
    }

    private static Transcript Start(string domain)
    {
        var t = new Transcript(domain);
        t.AppendScalar("prefix", Fr.FromInt64(7));
        return t;
    }

    private static BigInteger Big(in Fr x) => x.ToBigInteger();

    private static BigInteger StateWord(Transcript t) => new(t.State, isUnsigned: true, isBigEndian: true);

    [Fact]
    public void HarnessFitsTheContractSizeLimit() => Assert.InRange(h.DeployedSize, 1, 24_576);

    [Fact]
    public async Task TranscriptReplayMatchesCSharp()
    {
        var rng = new Random(11);
        var t = new Transcript("zkml-transcript-replay");
        var p = new Packer().Raw(t.State);
        var challenges = new List<BigInteger>();
        string[] labels = ["vk", "io", "sumcheck_round", "hyperkzg/folds", "a-label-of-exactly-32-characters"];
        for (int step = 0; step < 40; step++)
        {
            var label = labels[rng.Next(labels.Length)];
            var label32 = new byte[32];
            Transcript.EncodeLabel(label, label32);
            if (rng.Next(3) == 0)
            {
                challenges.Add(Big(t.ChallengeScalar(label)));
                p.Raw([1]).Raw(label32).Raw([0, 0]);
            }
            else
            {
                var data = new byte[rng.Next(4) == 0 ? 0 : rng.Next(1, 300)];
                rng.NextBytes(data);
                t.AppendBytes(label, data);
                p.Raw([0]).Raw(label32).Raw([(byte)(data.Length >> 8), (byte)data.Length]).Raw(data);
            }
        }
        var w = await h.CallAsync("transcript", p.ToArray());
        Assert.NotNull(w);
        Assert.Equal(StateWord(t), w![1]);
        Assert.Equal(challenges, w.Skip(2));
    }

    public static TheoryData<int, bool> SumcheckShapes => new() { { 0, false }, { 1, false }, { 5, false }, { 1, true }, { 6, true } };

    [Theory]
    [MemberData(nameof(SumcheckShapes))]
    public async Task SumcheckMatchesCSharpOnValidAndMutatedProofs(int n, bool zeroCheck)
    {
        var rng = new Random(100 + n);
        var a = RandomFrs(rng, 1 << n);
        var b = RandomFrs(rng, 1 << n);
        var shape = new ProductSum(2, [new ProductTerm(Fr.One, [0, 1]), new ProductTerm(Fr.FromInt64(3), [0])]);
        var tau = RandomFrs(rng, n);
        Fr claim;
        SumcheckProof proof;
        if (zeroCheck)
        {
            var eq = Eq.Table(tau);
            claim = Fr.Zero;
            for (int i = 0; i < a.Length; i++) claim += eq[i] * (a[i] * b[i] + 3 * a[i]);
            proof = SumcheckProver.ProveZeroCheck(Start("sc"), shape, [new DenseMle((Fr[])a.Clone()), new DenseMle((Fr[])b.Clone())], tau, claim).Proof;
        }
        else
        {
            claim = Fr.Zero;
            for (int i = 0; i < a.Length; i++) claim += a[i] * b[i] + 3 * a[i];
            proof = SumcheckProver.Prove(Start("sc"), shape, [new DenseMle((Fr[])a.Clone()), new DenseMle((Fr[])b.Clone())], claim).Proof;
        }
        var bytes = proof.ToBytes();

        async Task Compare(byte[] pb, Fr c)
        {
            var arg = new Packer().Raw(Start("sc").State).Fr(c).Word(n).Word(zeroCheck ? 1 : 0).Frs(tau).Raw(pb).ToArray();
            var w = await h.CallAsync("sumcheck", arg);
            bool parsed = SumcheckProof.TryParse(pb, n, 2, out var parsedProof, out _);
            if (!parsed) { Assert.Null(w); return; }
            var tv = Start("sc");
            var res = zeroCheck ? SumcheckVerifier.VerifyZeroCheck(tv, c, tau, 2, parsedProof) : SumcheckVerifier.Verify(tv, c, n, 2, parsedProof);
            Assert.True(res.Success);
            Assert.NotNull(w);
            Assert.Equal(StateWord(tv), w![1]);
            Assert.Equal(Big(res.ExpectedValue), w[2]);
            Assert.Equal(res.Point.Select(x => x.ToBigInteger()), w.Skip(3));
        }

        await Compare(bytes, claim);
        await Compare(bytes, claim + Fr.One);
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            var m = (byte[])bytes.Clone();
            m[32 * i + 31] ^= 1;
            await Compare(m, claim);
        }
        if (bytes.Length > 0)
        {
            var m = (byte[])bytes.Clone();
            R.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(m, 0); // = r: not canonical
            await Compare(m, claim);
        }
    }

    private static (Fr[] F, Fr[] T, Fr[] M) Lookup(Random rng, int n, int m)
    {
        var t = new Fr[1 << m];
        for (int j = 0; j < t.Length; j++) t[j] = Fr.FromInt64(1000 + 7 * j);
        var f = new Fr[1 << n];
        for (int i = 0; i < f.Length; i++) f[i] = t[rng.Next(t.Length)];
        return (f, t, LogUpProver.Multiplicities(f, t));
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(5, 2)]
    [InlineData(0, 1)]
    public async Task LogUpMatchesCSharpOnValidAndMutatedProofs(int n, int m)
    {
        var rng = new Random(7 * n + m);
        var (f, t, mult) = Lookup(rng, n, m);
        var alpha = Fr.Random(rng);
        var (hw, ht) = LogUpProver.ComputeHelpers(f, t, mult, alpha);
        var proof = LogUpProver.Prove(Start("lu"), f, t, mult, hw, ht, alpha).Proof;
        var bytes = proof.ToBytes();

        async Task Compare(byte[] pb)
        {
            var arg = new Packer().Raw(Start("lu").State).Fr(alpha).Word(n).Word(m).Raw(pb).ToArray();
            var w = await h.CallAsync("logUp", arg);
            if (!LogUpProof.TryParse(pb, n, m, out var pp, out _)) { Assert.Null(w); return; }
            var tv = Start("lu");
            var res = LogUpVerifier.Verify(tv, alpha, n, m, pp);
            Assert.Equal(res.Success, w != null);
            if (!res.Success) return;
            Assert.Equal(StateWord(tv), w![1]);
            Assert.Equal(res.Claims.Select(c => Big(c.Value)), new[] { 0, 1, 2, 3, 4, 5, 6 }.Select(i => w[2 + i]));
            Assert.Equal(res.Claims[2].Point.Select(x => x.ToBigInteger()), w.Skip(9).Take(n));
            Assert.Equal(res.Claims[4].Point.Select(x => x.ToBigInteger()), w.Skip(9 + n).Take(m));
        }

        await Compare(bytes);
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            var mm = (byte[])bytes.Clone();
            mm[32 * i + 31] ^= 1;
            await Compare(mm);
        }
        var nc = (byte[])bytes.Clone();
        R.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(nc, bytes.Length - 32);
        await Compare(nc);
    }

    /// <summary>Claims on random vectors; claims 1 and 2 share a commitment when their sizes match.</summary>
    private static (OpeningClaim[] Claims, Fr[][] Vectors) MakeClaims(int seed, int[] numVars)
    {
        var rng = new Random(seed);
        var vectors = new Fr[numVars.Length][];
        var claims = new OpeningClaim[numVars.Length];
        for (int i = 0; i < numVars.Length; i++)
        {
            bool share = i == 2 && numVars[1] == numVars[2];
            vectors[i] = share ? vectors[1] : RandomFrs(rng, 1 << numVars[i]);
            var x = RandomFrs(rng, numVars[i]);
            if (i == 0 && numVars[0] > 1) { x[0] = Fr.Zero; x[1] = Fr.One; } // a prefix of offset bits, as the inference claims have
            var c = share ? claims[1].Commitment : HyperKzg.Commit(HarnessFixture.Srs, vectors[i]);
            claims[i] = new OpeningClaim(c, x, DenseMle.Evaluate(vectors[i], x));
        }
        return (claims, vectors);
    }

    private static byte[] BatchArg(OpeningClaim[] claims, byte[] proof, SplitVector[] splits)
    {
        var groups = new List<G1Affine>();
        var index = new int[claims.Length];
        for (int i = 0; i < claims.Length; i++)
        {
            int g = groups.IndexOf(claims[i].Commitment);
            if (g < 0) { g = groups.Count; groups.Add(claims[i].Commitment); }
            index[i] = g;
        }
        var p = new Packer().Raw(Start("bo").State).G2Key(HarnessFixture.Vk).Word(groups.Count);
        foreach (var g in groups) p.G1(g);
        var sp = new Packer().Word(splits.Length);
        foreach (var sv in splits)
        {
            int g = groups.IndexOf(sv.Commitment);
            sp.Word(g < 0 ? 0 : g).Word(sv.NumVars).Word(sv.Bits);
            foreach (var a in sv.MonomialCoefficients()) sp.G1(a);
        }
        var spBytes = sp.ToArray();
        p.Word(spBytes.Length).Raw(spBytes);
        p.Word(claims.Length);
        for (int i = 0; i < claims.Length; i++) p.Word(index[i]).Word(claims[i].Point.Length).Fr(claims[i].Value).Frs(claims[i].Point);
        return p.Word(JointVars(claims, splits)).Raw(proof).ToArray();
    }

    /// <summary>The joint opening's variables: the largest claim size, a split vector's k less.</summary>
    private static int JointVars(OpeningClaim[] claims, SplitVector[] splits)
        => claims.Max(c => c.Point.Length - (splits.FirstOrDefault(s => s.IsWellFormed && s.Commitment == c.Commitment && s.NumVars == c.Point.Length) is { Parts: not null } m ? m.Bits : 0));

    /// <summary>The split of a vector into its 2^k parts along the top k index bits.</summary>
    internal static SplitVector SplitOf(G1Affine commitment, Fr[] v, int k)
    {
        int n = System.Numerics.BitOperations.Log2((uint)v.Length), len = v.Length >> k;
        return new SplitVector(commitment, n, Enumerable.Range(0, 1 << k).Select(j => HyperKzg.Commit(HarnessFixture.Srs, v.AsSpan(j * len, len))).ToArray());
    }

    public static TheoryData<int[], int> BatchShapes()
    {
        var d = new TheoryData<int[], int>();
        foreach (var shape in new[] { new[] { 0 }, new[] { 3 }, new[] { 3, 0, 5, 5, 1 }, new[] { 4, 6, 6, 2 }, new[] { 6, 6, 5 }, new[] { 5, 3, 2 } })
            foreach (int k in new[] { 0, 1, 2, 3 })
                if (k <= shape[0]) d.Add(shape, k);
        return d;
    }

    /// <param name="shape">The claims' variables.</param>
    /// <param name="split">0: no split; k ≥ 1: the first claim's vector is split into 2^k parts.</param>
    [Theory]
    [MemberData(nameof(BatchShapes))]
    public async Task BatchOpeningMatchesCSharpOnValidAndMutatedProofs(int[] shape, int split)
    {
        var (claims, vectors) = MakeClaims(shape.Sum() * 31 + shape.Length, shape);
        // the first claim's vector (the one with offset bits) keeps its parts' commitments
        SplitVector[] splits = split == 0 ? [] : [SplitOf(claims[0].Commitment, vectors[0], split)];
        var proof = BatchOpening.Prove(HarnessFixture.Srs, Start("bo"), claims, vectors, bindClaims: false, splits);
        var bytes = proof.ToBytes();
        int nMax = shape.Max();

        async Task Compare(OpeningClaim[] cs, byte[] pb, SplitVector[] sp)
        {
            var w = await h.CallAsync("batchOpening", BatchArg(cs, pb, sp));
            bool ok = BatchOpeningProof.TryDecode(pb, BatchOpening.Vectors(cs).Count, nMax, JointVars(cs, sp), out var pp, out _) &&
                      BatchOpening.Verify(HarnessFixture.Vk, Start("bo"), cs, pp!, bindClaims: false, sp, out _);
            Assert.Equal(ok, w != null);
            if (ok)
            {
                var tv = Start("bo");
                Assert.True(BatchOpening.Verify(HarnessFixture.Vk, tv, cs, pp!, bindClaims: false, sp, out _));
                Assert.Equal(StateWord(tv), w![1]);
            }
        }

        await Compare(claims, bytes, splits);
        Assert.True(BatchOpening.Verify(HarnessFixture.Vk, Start("bo"), claims, proof, bindClaims: false, splits, out var why), why);
        // every 32-byte word of the proof (field elements and point coordinates)
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            var mm = (byte[])bytes.Clone();
            mm[32 * i + 31] ^= 1;
            await Compare(claims, mm, splits);
        }
        // a wrong value, a wrong point coordinate
        var wrongValue = (OpeningClaim[])claims.Clone();
        wrongValue[^1] = wrongValue[^1] with { Value = wrongValue[^1].Value + Fr.One };
        await Compare(wrongValue, bytes, splits);
        if (shape[^1] > 0)
        {
            var wrongPoint = (OpeningClaim[])claims.Clone();
            var z = (Fr[])wrongPoint[^1].Point.Clone();
            z[0] += Fr.One;
            wrongPoint[^1] = wrongPoint[^1] with { Point = z };
            await Compare(wrongPoint, bytes, splits);
        }
        if (split > 0)
        {
            // a wrong part commitment (each part in turn), and the split left out: rejected by both
            var g = G1Jacobian.FromAffine(G1Affine.Generator);
            for (int j = 0; j < splits[0].Parts.Length; j++)
            {
                var parts = (G1Affine[])splits[0].Parts.Clone();
                parts[j] = (G1Jacobian.FromAffine(parts[j]) + g).ToAffine();
                var wrong = splits[0] with { Parts = parts };
                Assert.False(BatchOpening.Verify(HarnessFixture.Vk, Start("bo"), claims, proof, bindClaims: false, [wrong], out _));
                await Compare(claims, bytes, [wrong]);
            }
            // read without the split (as if the verifier did not know the halves): rejected
            Assert.False(BatchOpeningProof.TryDecode(bytes, BatchOpening.Vectors(claims).Count, nMax, nMax, out var p0, out _) &&
                         BatchOpening.Verify(HarnessFixture.Vk, Start("bo"), claims, p0!, bindClaims: false, null, out _));
        }
    }

    /// <summary>Every shape of the last folding level (ℓ mod 3 = 1, 2, 0: 2-, 4-, 8-ary) with one to three levels.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(9)]
    public async Task HyperKzgMatchesCSharp(int l)
    {
        var rng = new Random(50 + l);
        var v = RandomFrs(rng, 1 << l);
        var x = RandomFrs(rng, l);
        var c = HyperKzg.Commit(HarnessFixture.Srs, v);
        var y = DenseMle.Evaluate(v, x);
        var bytes = HyperKzg.Prove(HarnessFixture.Srs, Start("hk"), c, v, x, y).ToBytes();

        async Task Compare(Fr value, byte[] pb)
        {
            var arg = new Packer().Raw(Start("hk").State).G2Key(HarnessFixture.Vk).G1(c).Fr(value).Word(l).Frs(x).Raw(pb).ToArray();
            var w = await h.CallAsync("hyperKzg", arg);
            var tv = Start("hk");
            bool ok = HyperKzgProof.TryDecode(pb, l, out var pp, out _) && HyperKzg.Verify(HarnessFixture.Vk, tv, c, x, value, pp!, out _);
            Assert.Equal(ok, w != null);
            if (ok) Assert.Equal(StateWord(tv), w![1]);
        }

        await Compare(y, bytes);
        await Compare(y + Fr.One, bytes);
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            var mm = (byte[])bytes.Clone();
            mm[32 * i + 31] ^= 1;
            await Compare(y, mm);
        }
    }
}
