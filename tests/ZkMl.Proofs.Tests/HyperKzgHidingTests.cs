using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Transcripts;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>Hiding commitments and hiding HyperKZG (docs/protocol.md "HyperKZG", ZK mode; docs/zk-design.md §5.1, §5.7).</summary>
public class HyperKzgHidingTests
{
    private const int Seed = 20261122; // TestSrs's seed: its τ and α are Srs.DevSecrets(Seed)
    private static Srs Srs => TestSrs.Value;
    private static G1Affine H => Srs.BlindingBase!.Value;
    private static Transcript T() => new("hyperkzg-hiding-test");

    private static bool Check(G1Affine c, Fr[] x, Fr y, HyperKzgHidingProof p, out string? reason) =>
        HyperKzg.VerifyHiding(TestSrs.Vk, H, T(), c, x, y, p, out reason);

    private static (HidingCommitment C, Fr[] V, Fr[] X, Fr Y, HyperKzgHidingProof Proof) Make(int l, int seed, RandomNumberGenerator? rng = null)
    {
        var r = new Random(seed);
        var v = TestSrs.RandomVector(r, 1 << l);
        var x = TestSrs.RandomVector(r, l);
        var y = TestSrs.Mle(v, x);
        var c = HyperKzg.CommitHiding(Srs, v, rng);
        var proof = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding, v, x, y, null, rng);
        return (c, v, x, y, proof);
    }

    public static TheoryData<int> Sizes() => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14];

    [Fact]
    public void Hiding_commitment_is_the_plain_one_plus_s_times_H()
    {
        var v = TestSrs.RandomVector(new Random(1), 300);
        var a = HyperKzg.CommitHiding(Srs, v);
        var b = HyperKzg.CommitHiding(Srs, v);
        Assert.Equal(HyperKzg.Commit(Srs, v), (G1Jacobian.FromAffine(a.Commitment) - G1Jacobian.FromAffine(H).ScalarMul(a.Blinding)).ToAffine());
        Assert.NotEqual(a.Commitment, b.Commitment);
        Assert.NotEqual(a.Blinding, b.Blinding);
        Assert.DoesNotContain(a.Blinding.ToString(), a.ToString());

        var ints = Enumerable.Range(0, 300).Select(i => (long)(i * 7 % 255 - 127)).ToArray();
        var s1 = HyperKzg.CommitSmallHiding(Srs, ints, new SeededRng(5));
        var s2 = HyperKzg.CommitHiding(Srs, ints.Select(Fr.FromInt64).ToArray(), new SeededRng(5));
        Assert.Equal(s1, s2);

        var noH = Srs.FromTau(Fr.FromInt64(11), 16, "no α");
        Assert.Contains("blinding base", Assert.Throws<ArgumentException>(() => HyperKzg.CommitHiding(noH, v.AsSpan(0, 8))).Message);
        Assert.Throws<ArgumentException>(() => HyperKzg.ProveHiding(noH, T(), G1Affine.Generator, Fr.One, v.AsSpan(0, 8), v.AsSpan(0, 3), Fr.One));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Honest_hiding_proof_verifies_and_round_trips(int l)
    {
        var (c, v, x, y, proof) = Make(l, 300 + l);
        Assert.True(Check(c.Commitment, x, y, proof, out var reason), reason);
        var bytes = proof.ToBytes();
        Assert.Equal(HyperKzgHidingProof.EncodedLength(l), bytes.Length);
        Assert.Equal(HyperKzgProof.EncodedLength(l) + 32, bytes.Length);
        Assert.True(HyperKzgHidingProof.TryDecode(bytes, l, out var back, out reason), reason);
        Assert.Equal(bytes, back!.ToBytes());
        Assert.True(Check(c.Commitment, x, y, back, out reason), reason);
        Assert.False(HyperKzgHidingProof.TryDecode(bytes[..^1], l, out _, out _));
        var big = (byte[])bytes.Clone();
        big.AsSpan(big.Length - 32).Fill(0xff);
        Assert.False(HyperKzgHidingProof.TryDecode(big, l, out _, out reason));
        Assert.Contains("s_B", reason);

        // Boolean points select entries; a point with 0/1 coordinates and one entry.
        if (l >= 1)
        {
            var bits = Enumerable.Range(0, l).Select(i => i % 2 == 0 ? Fr.One : Fr.Zero).ToArray();
            int idx = 0;
            for (int i = 0; i < l; i++) idx = 2 * idx + (i % 2 == 0 ? 1 : 0);
            var p2 = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding, v, bits, v[idx]);
            Assert.True(Check(c.Commitment, bits, v[idx], p2, out reason), reason);
        }
    }

    [Fact]
    public void Hiding_proof_with_precomputed_fold_bases_is_the_same()
    {
        var rng = new Random(77);
        const int fixedVars = 9, l = 12, levels = 2;
        var fixedVec = Enumerable.Range(0, 1 << fixedVars).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        var coef = Fr.Random(rng);
        var v = new Fr[1 << l];
        for (int i = 0; i < fixedVec.Length; i++) v[i] = coef * Fr.FromInt64(fixedVec[i]);
        for (int i = 0; i < 40; i++) v[rng.Next(v.Length)] += Fr.Random(rng);
        var x = TestSrs.RandomVector(rng, l);
        var y = TestSrs.Mle(v, x);
        var c = HyperKzg.CommitHiding(Srs, v);
        var plain = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding, v, x, y, null, new SeededRng(9));
        var bases = FoldBases.Compute(Srs, fixedVec, levels);
        var withFixed = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding, v, x, y,
            new FixedPart(coef, fixedVec.Select(Fr.FromInt64).ToArray(), bases), new SeededRng(9));
        Assert.Equal(plain.ToBytes(), withFixed.ToBytes());
        Assert.True(Check(c.Commitment, x, y, withFixed, out var reason), reason);
    }

    /// <summary>Every element of the proof changed in turn (points moved by G, scalars by 1) is rejected; so are a wrong value, commitment, point, H and blinding.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(10)]
    public void Every_tampered_element_is_rejected(int l)
    {
        var (c, v, x, y, proof) = Make(l, 500 + l);
        var p = proof.Opening;
        var variants = new List<(string What, HyperKzgHidingProof Proof)>();
        HyperKzgHidingProof With(G1Affine[]? folds = null, Fr[]? evals = null, Fr? p0 = null, G1Affine[]? w = null, Fr[]? last = null, Fr? hint = null, Fr? sB = null) =>
            new(new HyperKzgProof(folds ?? p.FoldCommitments, evals ?? p.Evaluations, p0 ?? p.EvalAtR8, w ?? p.Witnesses, last ?? p.LastLevel, hint ?? p.InverseHint), sB ?? proof.BlindingSum);
        for (int i = 0; i < p.FoldCommitments.Length; i++)
        {
            var f = (G1Affine[])p.FoldCommitments.Clone(); f[i] = TestSrs.Shift(f[i]);
            variants.Add(($"fold {i}", With(folds: f)));
        }
        for (int i = 0; i < p.Witnesses.Length; i++)
        {
            var w = (G1Affine[])p.Witnesses.Clone(); w[i] = TestSrs.Shift(w[i]);
            variants.Add(($"witness {i}", With(w: w)));
        }
        for (int i = 0; i < p.Evaluations.Length; i++)
        {
            var e = (Fr[])p.Evaluations.Clone(); e[i] += Fr.One;
            variants.Add(($"G {i}", With(evals: e)));
        }
        for (int i = 0; i < p.LastLevel.Length; i++)
        {
            var e = (Fr[])p.LastLevel.Clone(); e[i] += Fr.One;
            variants.Add(($"last {i}", With(last: e)));
        }
        if (l > 0)
        {
            variants.Add(("P_0(r^8)", With(p0: p.EvalAtR8 + Fr.One)));
            variants.Add(("hint", With(hint: p.InverseHint + Fr.One)));
        }
        variants.Add(("s_B", With(sB: proof.BlindingSum + Fr.One)));
        Assert.True(variants.Count >= HyperKzgHidingProof.EncodedLength(l) / 64);
        foreach (var (what, bad) in variants)
            Assert.False(Check(c.Commitment, x, y, bad, out _), what);

        Assert.False(Check(c.Commitment, x, y + Fr.One, proof, out _), "wrong value");
        Assert.False(Check(TestSrs.Shift(c.Commitment), x, y, proof, out _), "wrong commitment");
        Assert.False(Check(HyperKzg.Commit(Srs, v), x, y, proof, out _), "the unblinded commitment");
        if (l > 0) Assert.False(Check(c.Commitment, [.. x[..^1], x[^1] + Fr.One], y, proof, out _), "wrong point");
        Assert.False(HyperKzg.VerifyHiding(TestSrs.Vk, TestSrs.Shift(H), T(), c.Commitment, x, y, proof, out _), "another H");
        Assert.False(HyperKzg.VerifyHiding(TestSrs.Vk, G1Affine.Infinity, T(), c.Commitment, x, y, proof, out var why), "H = O");
        Assert.Contains("blinding base", why);
        // A prover with the wrong blinding, or proving a wrong value, fails.
        var wrongBlinding = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding + Fr.One, v, x, y);
        Assert.False(Check(c.Commitment, x, y, wrongBlinding, out _));
        var wrongValue = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding, v, x, y + Fr.One);
        Assert.False(Check(c.Commitment, x, y + Fr.One, wrongValue, out _));
        // The non-hiding verifier does not accept the hiding opening of the blinded commitment.
        if (l > 0) Assert.False(HyperKzg.Verify(TestSrs.Vk, T(), c.Commitment, x, y, proof.Opening, out _));
    }

    /// <summary>A flipped bit in any 32-byte word of the encoding (first or last byte) is refused by the decoder or the verifier; neither throws.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Every_flipped_word_of_the_encoding_is_rejected(int l)
    {
        var (c, _, x, y, proof) = Make(l, 800 + l);
        var bytes = proof.ToBytes();
        for (int word = 0; word < bytes.Length / 32; word++)
            foreach (int at in new[] { 32 * word, 32 * word + 31 })
            {
                var bad = (byte[])bytes.Clone();
                bad[at] ^= 1;
                bool accepted = HyperKzgHidingProof.TryDecode(bad, l, out var p, out _) && Check(c.Commitment, x, y, p!, out _);
                Assert.False(accepted, $"byte {at} flipped");
            }
    }

    /// <summary>The proof elements as a list of 32-byte words (points give two).</summary>
    private static HashSet<string> Elements(HyperKzgHidingProof p, bool withLastLevel)
    {
        var set = new HashSet<string>();
        var o = p.Opening;
        foreach (var g in o.FoldCommitments.Concat(o.Witnesses)) set.Add("P" + g.X + "," + g.Y);
        foreach (var e in o.Evaluations) set.Add("S" + e);
        set.Add("S" + o.EvalAtR8);
        set.Add("S" + o.InverseHint);
        set.Add("S" + p.BlindingSum);
        if (withLastLevel) foreach (var e in o.LastLevel) set.Add("S" + e);
        return set;
    }

    /// <summary>
    /// Two hiding proofs of the same vector, point and value share no element except the last level P_(L−1), a
    /// function of (v, point) alone — when there is a fold commitment to blind (O ≥ 2, ℓ ≥ 7). With O = 1 nothing in
    /// the proof is fresh: it is a function of (C, v, point, s). With a fresh sparse mask R added to the opened vector
    /// and committed with a fresh blinding (as the ZK batched opening does with D1 = A1 + R), they share none at
    /// every size.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(9)]
    [InlineData(13)]
    public void Two_proofs_share_no_element(int l)
    {
        var r = new Random(900 + l);
        var v = TestSrs.RandomVector(r, 1 << l);
        var x = TestSrs.RandomVector(r, l);
        var y = TestSrs.Mle(v, x);
        var c = HyperKzg.CommitHiding(Srs, v);
        var a = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding, v, x, y);
        var b = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding, v, x, y);
        Assert.True(Check(c.Commitment, x, y, a, out _) && Check(c.Commitment, x, y, b, out _));
        if (HyperKzg.OpenedLevels(l) >= 2) Assert.Empty(Elements(a, withLastLevel: false).Intersect(Elements(b, withLastLevel: false)));
        else Assert.Equal(a.ToBytes(), b.ToBytes());
        Assert.Equal(a.Opening.LastLevel, b.Opening.LastLevel);

        // J = v + R with a fresh R per proof, committed as C_v + C_R (blindings add).
        HyperKzgHidingProof Masked()
        {
            var mask = HyperKzgMask.Sample(l);
            var j = (Fr[])v.Clone();
            mask.AddTo(j);
            var cr = HyperKzg.CommitHiding(Srs, mask.ToDense());
            var cj = (G1Jacobian.FromAffine(c.Commitment) + cr.Commitment).ToAffine();
            var yj = TestSrs.Mle(j, x);
            var p = HyperKzg.ProveHiding(Srs, T(), cj, c.Blinding + cr.Blinding, j, x, yj);
            Assert.True(Check(cj, x, yj, p, out var reason), reason);
            return p;
        }
        Assert.Empty(Elements(Masked(), withLastLevel: true).Intersect(Elements(Masked(), withLastLevel: true)));
    }

    /// <summary>
    /// A2 is needed: a prover who knows α (here the development SRS's, from its seed) opens a hiding commitment to a
    /// false value. C = [v(τ)]₁ + s·H is also the commitment of v + c·e_0 with blinding s − c/α, and c can be chosen so
    /// that the MLE at the point takes any value. Without α the same claim is rejected.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void Prover_who_knows_alpha_forges_an_opening(int l)
    {
        var (_, alpha) = Srs.DevSecrets(Seed);
        Assert.Equal(G1Jacobian.Generator.ScalarMul(alpha).ToAffine(), H);
        var r = new Random(700 + l);
        var v = TestSrs.RandomVector(r, 1 << l);
        var x = TestSrs.RandomVector(r, l);
        var y = TestSrs.Mle(v, x);
        var c = HyperKzg.CommitHiding(Srs, v);
        var target = y + Fr.FromInt64(12345);

        // Honest prover, false value: rejected.
        var honest = HyperKzg.ProveHiding(Srs, T(), c.Commitment, c.Blinding, v, x, target);
        Assert.False(Check(c.Commitment, x, target, honest, out _));

        // v' = v + k·e_0 with k·eq(x, 0) = target − y, blinding s' = s − k/α: same C, MLE(v')(x) = target.
        var eq0 = Fr.One;
        foreach (var xi in x) eq0 *= Fr.One - xi;
        Fr.Inverse(eq0, out var eqInv);
        var k = (target - y) * eqInv;
        var forged = (Fr[])v.Clone();
        forged[0] += k;
        Fr.Inverse(alpha, out var alphaInv);
        var sPrime = c.Blinding - k * alphaInv;
        Assert.Equal(c.Commitment, (G1Jacobian.FromAffine(HyperKzg.Commit(Srs, forged)) + G1Jacobian.FromAffine(H).ScalarMul(sPrime)).ToAffine());
        Assert.Equal(target, TestSrs.Mle(forged, x));
        var forgery = HyperKzg.ProveHiding(Srs, T(), c.Commitment, sPrime, forged, x, target);
        Assert.True(Check(c.Commitment, x, target, forgery, out var reason), reason);
    }

    /// <summary>
    /// Review (session 14), docs/zk-design.md "Review (session 14)" item 3: a blinding base planted as H = τ^j·G with j
    /// beyond the vector (and beyond the powers a verifier reads) is a full forgery by a prover who knows neither τ nor
    /// α — only the SRS points. Each opened level's claimed values are those of P_i + λ_i·X^j, the λ_i solve the fold
    /// and last-level checks for a false last level, and s_B = s_0 − Σ q^i·λ_i cancels the X^j term in the KZG check.
    /// The same construction against an honest H (α independent of τ) is rejected: the case A2 rests on provenance for.
    /// </summary>
    [Theory]
    [InlineData(7, 300)]
    [InlineData(10, 2000)]
    public void Planted_blinding_base_beyond_the_vector_forges_without_tau(int l, int j)
    {
        var tau = Srs.DevSecrets(77).Tau;
        var planted = Srs.FromTau(tau, j + 8, "planted H = τ^j·G", tau.Pow(j));
        var honest = Srs.FromTau(tau, j + 8, "honest H", Srs.DevSecrets(78).Alpha);
        Assert.True(Forge(planted, l, j));
        Assert.False(Forge(honest, l, j));
    }

    /// <summary>The attack of <see cref="Planted_blinding_base_beyond_the_vector_forges_without_tau"/>, using only the SRS's points.</summary>
    private static bool Forge(Srs srs, int l, int j)
    {
        var h = srs.BlindingBase!.Value;
        var rng = new Random(31 + l);
        var v = TestSrs.RandomVector(rng, 1 << l);
        var x = TestSrs.RandomVector(rng, l);
        var c = HyperKzg.CommitHiding(srs, v, new SeededRng(l));
        int levels = HyperKzg.Levels(l), opened = HyperKzg.OpenedLevels(l), k = HyperKzg.LastLevelSize(l);
        Fr EqBit(int bit, int value) => value == 1 ? x[l - 1 - bit] : Fr.One - x[l - 1 - bit];
        Fr Eq(int level, int b, int bits) { var e = Fr.One; for (int s = 0; s < bits; s++) e *= EqBit(3 * level + s, (b >> s) & 1); return e; }
        // Honest folds P_0 = v, P_1 … P_(L−1).
        var p = new Fr[levels][];
        p[0] = v;
        for (int i = 0; i + 1 < levels; i++)
        {
            p[i + 1] = new Fr[p[i].Length / 8];
            for (int m = 0; m < p[i + 1].Length; m++)
                for (int b = 0; b < 8; b++) p[i + 1][m] += Eq(i, b, 3) * p[i][8 * m + b];
        }
        var trueY = TestSrs.Mle(v, x);
        var y = trueY + Fr.FromInt64(12345);
        int lastBits = l - 3 * (levels - 1);
        var last = (Fr[])p[levels - 1].Clone();
        Fr.Inverse(Eq(levels - 1, 0, lastBits), out var inv0);
        last[0] += (y - trueY) * inv0; // the false last level folds to y
        var folds = new G1Affine[opened - 1];
        for (int i = 1; i < opened; i++) folds[i - 1] = HyperKzg.Commit(srs, p[i]);

        var t = T();
        t.AppendG1(HyperKzg.Labels.Commitment, c.Commitment);
        t.AppendScalars(HyperKzg.Labels.Point, x);
        t.AppendScalar(HyperKzg.Labels.Value, y);
        t.AppendG1s(HyperKzg.Labels.Folds, folds);
        t.AppendScalars(HyperKzg.Labels.Last, last);
        var r = t.ChallengeScalar(HyperKzg.Labels.R);
        var r8 = r.Pow(8);
        Fr Eval(Fr[] poly, Fr at) { var acc = Fr.Zero; for (int i = poly.Length - 1; i >= 0; i--) acc = acc * at + poly[i]; return acc; }
        Fr Part(Fr[] poly, int b) { var acc = Fr.Zero; for (int m = (poly.Length - 1 - b) / 8; m >= 0; m--) acc = acc * r8 + poly[8 * m + b]; return acc; }
        // λ_(O−1) makes level O−1's parts fold to the false last level at r^8; honest folds below need λ_i·a = λ_(i+1)·r^(8j).
        var lambda = new Fr[opened];
        int jb = j % 8;
        var rj8 = r8.Pow(j / 8);
        var trueFold = Fr.Zero;
        for (int b = 0; b < 8; b++) trueFold += Eq(opened - 1, b, 3) * Part(p[opened - 1], b);
        Fr.Inverse(Eq(opened - 1, jb, 3) * rj8, out var invA);
        lambda[opened - 1] = (Eval(last, r8) - trueFold) * invA;
        for (int i = opened - 2; i >= 0; i--)
        {
            Fr.Inverse(Eq(i, jb, 3) * rj8, out var inv);
            lambda[i] = lambda[i + 1] * r8.Pow(j) * inv;
        }
        var evals = new Fr[8 * opened];
        for (int i = 0; i < opened; i++)
            for (int b = 0; b < 8; b++) evals[8 * i + b] = Part(p[i], b) + (b == jb ? lambda[i] * rj8 : Fr.Zero);
        var p0AtR8 = Eval(v, r8) + lambda[0] * r8.Pow(j);
        t.AppendScalars(HyperKzg.Labels.V, [.. evals, p0AtR8]);
        var q = t.ChallengeScalar(HyperKzg.Labels.Q);
        // B* = Σ q^i·P_i + (Σ q^i·λ_i)·X^j, the polynomial Σ q^i·C_i − s_B·H commits to (G-part) when H = τ^j·G.
        var bStar = new Fr[j + 1];
        var qi = Fr.One;
        var lamSum = Fr.Zero;
        for (int i = 0; i < opened; i++)
        {
            for (int m = 0; m < p[i].Length; m++) bStar[m] += qi * p[i][m];
            lamSum += qi * lambda[i];
            qi *= q;
        }
        bStar[j] += lamSum;
        var sB = c.Blinding - lamSum;
        var u = new Fr[9];
        for (int s = 0; s < 8; s++) u[s] = HyperKzg.OmegaPowers[s] * r;
        u[8] = r8;
        var (hq, w) = Kzg.OpenMultiQuotient(srs, bStar, u);
        t.AppendG1(HyperKzg.Labels.W, w);
        t.AppendScalar(HyperKzg.Labels.BlindingSum, sB);
        var zeta = t.ChallengeScalar(HyperKzg.Labels.Zeta);
        var w2 = Kzg.OpenMultiLinearized(srs, bStar, hq, u, zeta);
        Fr.Inverse(r8.Pow(8) - r8, out var hint);
        var proof = new HyperKzgHidingProof(new HyperKzgProof(folds, evals, p0AtR8, [w, w2], last, hint), sB);
        return HyperKzg.VerifyHiding(KzgVerifierKey.From(srs), h, T(), c.Commitment, x, y, proof, out _);
    }

    [Fact]
    public void Mask_positions_cover_every_residue_of_every_level_in_every_top_block()
    {
        // docs/zk-design.md §5.7: MNIST B = 1 (N′ = 15: O = 4, K = 8) two copies (at least two: one falls short of
        // Lemma K, see below), 128 entries; B = 1024 (N′ = 20: O = 6, K = 4) two copies, 64 entries.
        Assert.Equal(42, HyperKzgMask.RevealedFunctionals(15));
        Assert.Equal(2, HyperKzgMask.Copies(15));
        Assert.Equal(128, HyperKzgMask.Positions(15).Length);
        Assert.Equal(54, HyperKzgMask.RevealedFunctionals(20));
        Assert.Equal(2, HyperKzgMask.Copies(20));
        Assert.Equal(64, HyperKzgMask.Positions(20).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => HyperKzgMask.Positions(3));

        for (int l = HyperKzgMask.MinVars; l <= 22; l++)
        {
            int opened = HyperKzg.OpenedLevels(l), k = HyperKzg.LastLevelSize(l), copies = HyperKzgMask.Copies(l);
            var pos = HyperKzgMask.Positions(l);
            Assert.True(pos.Zip(pos.Skip(1)).All(p => p.First < p.Second), $"ℓ = {l}: sorted, distinct");
            Assert.True(pos[^1] < 1 << l);
            Assert.Equal(opened >= 2 ? 8 * k * copies : 8 * k, pos.Length);
            int block = 1 << (3 * opened);
            Assert.Equal(1 << l, block * k);
            for (int u = 0; u < k; u++)
                for (int i = 0; i < opened; i++)
                {
                    var residues = pos.Where(t => t / block == u).Select(t => (t >> (3 * i)) & 7).ToHashSet();
                    Assert.True(residues.Count == 8, $"ℓ = {l}, block {u}, level {i}: residues {string.Join(",", residues)}");
                }
        }
        var m = HyperKzgMask.Sample(10, new SeededRng(3));
        Assert.Equal(HyperKzg.Commit(Srs, m.ToDense()), m.Commit(Srs));
        Assert.DoesNotContain(m.Values[0].ToString(), m.ToString());
    }

    /// <summary>
    /// Lemma K (docs/zk-design.md §7.2, §10.7(b)) for the shapes ℓ = 4 … 20: at random (point, r, q, τ), the values a
    /// hiding proof reveals about the opened vector — G_(i,b) for every opened level, P_0(r^8), the last level and
    /// B(τ) = Σ q^i·P_i(τ), F_kzg in all — restricted to R's positions span everything they span on the whole vector,
    /// so R makes them uniform subject to the verifier's checks. That span has dimension F_kzg − 1, not F_kzg: the
    /// verifier's own check Σ_b eq_(O−1)(b)·G_(O−1,b) = P_(L−1)(r^8) is a linear relation among them for every vector
    /// (shown on the whole vector for ℓ ≤ 12). Written from the definitions (a unit vector e_t folds to a scaled unit
    /// vector), not with the library's folding. Negative control: the positions of one top block only fall short.
    /// </summary>
    [Fact]
    public void Mask_reaches_every_revealed_value_the_vector_can_reach()
    {
        var rng = new Random(42);
        for (int l = HyperKzgMask.MinVars; l <= 20; l++)
        {
            var pos = HyperKzgMask.Positions(l);
            int f = HyperKzgMask.RevealedFunctionals(l);
            var (x, r, q, tau) = (TestSrs.RandomVector(rng, l), Fr.Random(rng), Fr.Random(rng), Fr.Random(rng));
            var rows = RevealedRows(l, pos, x, r, q, tau);
            Assert.Equal(f, rows.Length);
            int rank = Rank(rows);
            if (l <= 12) Assert.Equal(Rank(RevealedRows(l, Enumerable.Range(0, 1 << l).ToArray(), x, r, q, tau)), rank);
            Assert.True(rank == f - 1, $"ℓ = {l}: rank {rank} over {pos.Length} mask entries; F_kzg − 1 = {f - 1}");
            // One copy of the residue pattern (the first rule of docs/zk-design.md §5.7) falls short where it would be chosen.
            if (l is 8 or 9 or 12 or 15 or 18)
                Assert.True(Rank(RevealedRows(l, HyperKzgMask.Positions(l, 1), x, r, q, tau)) < f - 1, $"ℓ = {l}: one copy");
        }
        // Control: only the first top block's entries cannot reach the other blocks' last-level values.
        int lc = 15, block = 1 << (3 * HyperKzg.OpenedLevels(lc));
        var few = HyperKzgMask.Positions(lc).Where(t => t < block).ToArray();
        var (xc, rc, qc, tc) = (TestSrs.RandomVector(rng, lc), Fr.Random(rng), Fr.Random(rng), Fr.Random(rng));
        Assert.True(Rank(RevealedRows(lc, few, xc, rc, qc, tc)) < HyperKzgMask.RevealedFunctionals(lc) - 1);
    }

    /// <summary>
    /// Review (session 14): Lemma K at every size the mask accepts beyond the MNIST shapes (ℓ = 21 … 30, where
    /// <see cref="HyperKzgMask.Copies"/> gives 2 to 6 copies and K = 2, 4, 8 alternate). The rank on R alone must be
    /// F_kzg − 1; the whole vector cannot exceed it (the verifier's level-(O−1) relation holds for every vector), so
    /// equality shows R reaches everything the revealed values can carry.
    /// </summary>
    [Fact]
    public void Mask_reaches_the_revealed_rank_at_every_size_it_accepts()
    {
        var rng = new Random(4242);
        for (int l = 21; l <= 30; l++)
        {
            var pos = HyperKzgMask.Positions(l);
            int f = HyperKzgMask.RevealedFunctionals(l);
            var (x, r, q, tau) = (TestSrs.RandomVector(rng, l), Fr.Random(rng), Fr.Random(rng), Fr.Random(rng));
            int rank = Rank(RevealedRows(l, pos, x, r, q, tau));
            Assert.True(rank == f - 1, $"ℓ = {l}: rank {rank} over {pos.Length} mask entries ({HyperKzgMask.Copies(l)} copies); F_kzg − 1 = {f - 1}");
        }
    }

    /// <summary>
    /// Review (session 14): the rank test's model of what a proof reveals is the implementation's. For a random vector,
    /// the rows of <see cref="RevealedRows"/> (with r, q replayed from the transcript and the test SRS's τ) applied to
    /// it give exactly the proof's G_(i,b), P_0(r^8) and last level, and the B(τ) row gives Σ q^i·C_i − s_B·H: so the
    /// rank proven on R is the rank of the values the code sends, not of a parallel definition.
    /// </summary>
    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(10)]
    public void Rank_model_is_what_the_prover_reveals(int l)
    {
        var (tau, _) = Srs.DevSecrets(Seed);
        var (c, v, x, y, proof) = Make(l, 1400 + l, new SeededRng(l));
        var o = proof.Opening;
        // Replay the verifier's transcript up to q.
        var t = T();
        t.AppendG1(HyperKzg.Labels.Commitment, c.Commitment);
        t.AppendScalars(HyperKzg.Labels.Point, x);
        t.AppendScalar(HyperKzg.Labels.Value, y);
        t.AppendG1s(HyperKzg.Labels.Folds, o.FoldCommitments);
        t.AppendScalars(HyperKzg.Labels.Last, o.LastLevel);
        var r = t.ChallengeScalar(HyperKzg.Labels.R);
        t.AppendScalars(HyperKzg.Labels.V, [.. o.Evaluations, o.EvalAtR8]);
        var q = t.ChallengeScalar(HyperKzg.Labels.Q);

        var rows = RevealedRows(l, Enumerable.Range(0, 1 << l).ToArray(), x, r, q, tau);
        Fr Apply(Fr[] row) { var s = Fr.Zero; for (int i = 0; i < row.Length; i++) s += row[i] * v[i]; return s; }
        int opened = HyperKzg.OpenedLevels(l), k = HyperKzg.LastLevelSize(l);
        for (int i = 0; i < 8 * opened; i++) Assert.Equal(o.Evaluations[i], Apply(rows[i]));
        Assert.Equal(o.EvalAtR8, Apply(rows[8 * opened]));
        for (int i = 0; i < k; i++) Assert.Equal(o.LastLevel[i], Apply(rows[8 * opened + 1 + i]));
        var bTau = G1Jacobian.FromAffine(c.Commitment);
        var qi = Fr.One;
        foreach (var f in o.FoldCommitments) { qi *= q; bTau += G1Jacobian.FromAffine(f).ScalarMul(qi); }
        bTau -= G1Jacobian.FromAffine(H).ScalarMul(proof.BlindingSum);
        Assert.Equal(G1Jacobian.Generator.ScalarMul(Apply(rows[^1])).ToAffine(), bTau.ToAffine());
    }

    /// <summary>Rows = revealed functionals, columns = the given positions: entry = the functional of the unit vector e_t.</summary>
    private static Fr[][] RevealedRows(int l, int[] positions, Fr[] x, Fr r, Fr q, Fr tau)
    {
        int opened = HyperKzg.OpenedLevels(l), levels = HyperKzg.Levels(l), k = HyperKzg.LastLevelSize(l);
        var r8 = r.Pow(8);
        // Coordinate of index bit b: x[l − 1 − b] (docs/protocol.md "HyperKZG").
        Fr Eq(int bit, int value) => value == 1 ? x[l - 1 - bit] : Fr.One - x[l - 1 - bit];
        int f = 8 * opened + 1 + k + 1;
        var rows = new Fr[f][];
        for (int i = 0; i < f; i++) rows[i] = new Fr[positions.Length];
        for (int col = 0; col < positions.Length; col++)
        {
            int t = positions[col];
            var coef = Fr.One; // P_i = coef·e_(t >> 3i)
            var bOfTau = Fr.Zero;
            var qi = Fr.One;
            for (int i = 0; i < levels; i++)
            {
                int idx = t >> (3 * i);
                if (i < opened)
                {
                    rows[8 * i + (idx & 7)][col] = coef * r8.Pow(idx >> 3); // G_(i,b) = P_(i,b)(r^8)
                    bOfTau += qi * coef * tau.Pow(idx);
                    qi *= q;
                }
                if (i == levels - 1) { rows[8 * opened + 1 + idx][col] = coef; break; } // the last level's coefficient idx
                for (int s = 0; s < 3; s++) coef *= Eq(3 * i + s, (idx >> s) & 1);
            }
            rows[8 * opened][col] = r8.Pow(t); // P_0(r^8)
            rows[f - 1][col] = bOfTau;
        }
        return rows;
    }

    /// <summary>Rank over Fr by Gaussian elimination (copies the rows).</summary>
    private static int Rank(Fr[][] rows)
    {
        var m = rows.Select(r => (Fr[])r.Clone()).ToArray();
        int rank = 0, cols = m.Length == 0 ? 0 : m[0].Length;
        for (int c = 0; c < cols && rank < m.Length; c++)
        {
            int pivot = -1;
            for (int i = rank; i < m.Length; i++) if (!m[i][c].IsZero) { pivot = i; break; }
            if (pivot < 0) continue;
            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            Fr.Inverse(m[rank][c], out var inv);
            for (int i = 0; i < m.Length; i++)
            {
                if (i == rank || m[i][c].IsZero) continue;
                var factor = m[i][c] * inv;
                for (int j = c; j < cols; j++) m[i][j] -= factor * m[rank][j];
            }
            rank++;
        }
        return rank;
    }
}
