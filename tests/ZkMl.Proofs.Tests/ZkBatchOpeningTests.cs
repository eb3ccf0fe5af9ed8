using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// An opening statement for the tests: vectors by role (the first <c>Parts</c> are the parts of a "model" vector fixed by
/// the statement), combined and weighted claims with their true values, and the witnesses.
/// </summary>
internal sealed class ZkOpeningCase
{
    public required ZkOpeningVector[] Vectors { get; init; }
    public required ZkOpeningWitness[] Witnesses { get; init; }
    public required ZkOpeningClaim[] Claims { get; init; }
    public int NumVars => Vectors.Max(v => v.NumVars);

    private static Srs Srs => TestSrs.Value;

    /// <summary>Σ_t κ_t·⟨w_t, P_(g(t))⟩ by the definition (the weight's table against the entries).</summary>
    public static Fr ValueOf(ZkOpeningClaim claim, ZkOpeningWitness[] w)
    {
        var s = Fr.Zero;
        foreach (var t in claim.Terms)
        {
            var table = t.Weight.Table();
            var v = w[t.Vector].Values;
            var ip = Fr.Zero;
            for (int i = 0; i < v.Length; i++) ip += table[i] * v[i];
            s += t.Coefficient * ip;
        }
        return s;
    }

    /// <summary>
    /// parts: 2^k model parts of <paramref name="partVars"/> variables (k = log₂ parts; 0 = no model vector), then
    /// one per-proof vector per entry of <paramref name="others"/>. Claims: per model a claim at a point with a random top
    /// (2^k terms) and one with a Boolean top (one term); per other vector two eq claims (one with a Boolean leading
    /// coordinate), a combined two-vector claim P̃_a(z) + V·P̃_b(z′) between consecutive vectors, and — when the last
    /// vector has ≥ 5 variables — a Libra weighted claim on its block 1 of 2^(3+⌈log₂ 3⌉) = 32 entries.
    /// </summary>
    public static ZkOpeningCase Make(int seed, int parts, int partVars, params int[] others) => Make(seed, true, parts, partVars, others);

    /// <summary>As <see cref="Make(int, int, int, int[])"/>; without <paramref name="commit"/> the commitments are placeholders (G) and the blindings random (rank tests beyond the test SRS's size).</summary>
    public static ZkOpeningCase Make(int seed, bool commit, int parts, int partVars, params int[] others) => Make(seed, commit, parts, partVars, others, null);

    /// <summary>As above; vector g keeps only its first <paramref name="used"/>(g) entries (the rest zero: padded vectors' zero tails), when given.</summary>
    public static ZkOpeningCase Make(int seed, bool commit, int parts, int partVars, int[] others, Func<int, int>? used)
    {
        var rng = new Random(seed);
        var vectors = new List<ZkOpeningVector>();
        var witnesses = new List<ZkOpeningWitness>();
        void Add(string role, int n)
        {
            var v = TestSrs.RandomVector(rng, 1 << n);
            if (used != null) Array.Clear(v, Math.Min(v.Length, used(vectors.Count)), v.Length - Math.Min(v.Length, used(vectors.Count)));
            var c = commit ? HyperKzg.CommitHiding(Srs, v, new SeededRng(rng.Next())) : new HidingCommitment(G1Affine.Generator, Fr.Random(rng));
            vectors.Add(new ZkOpeningVector(role, c.Commitment, n));
            witnesses.Add(new ZkOpeningWitness(v, c.Blinding));
        }
        for (int j = 0; j < parts; j++) Add($"model part {j}", partVars);
        for (int i = 0; i < others.Length; i++) Add($"W{i + 1}", others[i]);
        var w = witnesses.ToArray();
        var claims = new List<ZkOpeningClaim>();
        ZkOpeningClaim Valued(IReadOnlyList<ZkClaimTerm> terms) { var c = new ZkOpeningClaim(terms, Fr.Zero); return c with { Value = ValueOf(c, w) }; }
        if (parts > 0)
        {
            int k = System.Numerics.BitOperations.Log2((uint)parts);
            var ids = Enumerable.Range(0, parts).ToArray();
            var z = TestSrs.RandomVector(rng, k + partVars);
            claims.Add(Valued(ZkOpeningClaim.OnParts(ids, z, Fr.Zero).Terms));
            var zb = TestSrs.RandomVector(rng, k + partVars);
            for (int t = 0; t < k; t++) zb[t] = t % 2 == 0 ? Fr.One : Fr.Zero;
            var one = ZkOpeningClaim.OnParts(ids, zb, Fr.Zero);
            Assert.True(one.Terms.Count == 1 || k == 0);
            claims.Add(Valued(one.Terms));
        }
        for (int i = parts; i < vectors.Count; i++)
        {
            int n = vectors[i].NumVars;
            var z = TestSrs.RandomVector(rng, n);
            claims.Add(ZkOpeningClaim.At(i, z, TestSrs.Mle(w[i].Values, z)));
            if (n >= 1)
            {
                var zb = TestSrs.RandomVector(rng, n);
                zb[0] = Fr.One;
                claims.Add(ZkOpeningClaim.At(i, zb, TestSrs.Mle(w[i].Values, zb)));
            }
            if (i + 1 < vectors.Count)
            {
                var za = TestSrs.RandomVector(rng, n);
                var zb2 = TestSrs.RandomVector(rng, vectors[i + 1].NumVars);
                claims.Add(Valued([new ZkClaimTerm(i, Fr.One, OpeningWeight.Eq(za)), new ZkClaimTerm(i + 1, Fr.Random(rng), OpeningWeight.Eq(zb2))]));
            }
        }
        int last = vectors.Count - 1;
        if (vectors[last].NumVars >= 6)
        {
            var libraPoint = TestSrs.RandomVector(rng, 3);
            claims.Add(Valued([new ZkClaimTerm(last, Fr.One, OpeningWeight.InBlock(vectors[last].NumVars, 1, OpeningWeight.Libra(libraPoint)))]));
        }
        return new ZkOpeningCase { Vectors = [.. vectors], Witnesses = w, Claims = [.. claims] };
    }

    public static Transcript T() => new("zk-batch-test");

    public G1Affine[] MaskPoints => ZkOpeningSetup.MaskPoints(Srs, NumVars);

    public (ZkOpeningMask Mask, ZkBatchOpeningProof Proof) Prove(RandomNumberGenerator? rng = null, bool bind = true, ZkOpeningClaim[]? claims = null)
    {
        var mask = ZkOpeningMask.Sample(Srs, MaskPoints, NumVars, rng);
        var proof = ZkBatchOpening.Prove(Srs, T(), Vectors, Witnesses, claims ?? Claims, mask, bind, rng);
        return (mask, proof);
    }

    /// <summary>As <see cref="Prove"/> with a mask confined to the indices below <paramref name="used"/> (L*).</summary>
    public (ZkOpeningMask Mask, ZkBatchOpeningProof Proof) ProveConfined(long used, RandomNumberGenerator? rng = null)
    {
        var mask = ZkOpeningMask.SampleConfined(Srs, ZkOpeningSetup.MaskPoints(Srs, NumVars, used), NumVars, used, rng);
        var proof = ZkBatchOpening.Prove(Srs, T(), Vectors, Witnesses, Claims, mask, true, rng);
        return (mask, proof);
    }

    public bool Verify(IReadOnlyList<G1Affine> masks, ZkBatchOpeningProof proof, out string? reason, bool bind = true,
        ZkOpeningClaim[]? claims = null, ZkOpeningVector[]? vectors = null)
        => ZkBatchOpening.Verify(TestSrs.Vk, Srs.BlindingBase!.Value, T(), vectors ?? Vectors, claims ?? Claims, masks, proof, bind, out reason);
}

/// <summary>The zero-knowledge batched opening (docs/protocol.md "Batched openings" → "ZK mode (in progress)"; docs/zk-design.md §5.6).</summary>
public class ZkBatchOpeningTests
{
    private static Srs Srs => TestSrs.Value;

    public static TheoryData<int, int, int[]> Shapes => new()
    {
        { 0, 0, new[] { 4 } },
        { 0, 0, new[] { 6, 4, 2, 0 } },
        { 4, 5, new[] { 6, 7 } },
        { 2, 6, new[] { 7, 3 } },
        { 1, 8, new[] { 9, 9, 1 } },
        { 4, 10, new[] { 12, 6 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Honest_proof_verifies_and_round_trips(int parts, int partVars, int[] others)
    {
        var c = ZkOpeningCase.Make(100 + others.Sum() + parts, parts, partVars, others);
        var (mask, proof) = c.Prove();
        Assert.True(c.Verify(mask.Commitments, proof, out var reason), reason);
        var bytes = proof.ToBytes();
        Assert.Equal(ZkBatchOpeningProof.EncodedLength(c.NumVars), bytes.Length);
        Assert.True(ZkBatchOpeningProof.TryDecode(bytes, c.NumVars, out var back, out reason), reason);
        Assert.Equal(bytes, back!.ToBytes());
        Assert.True(c.Verify(mask.Commitments, back, out reason), reason);
        // The caller-bound variant (the inference proof absorbs the statement itself).
        var (m2, p2) = c.Prove(bind: false);
        Assert.True(c.Verify(m2.Commitments, p2, out reason, bind: false), reason);
        Assert.False(c.Verify(m2.Commitments, p2, out _, bind: true));
    }

    /// <summary>
    /// Vectors with zero tails of every parity and length (the prover skips a vector's zero tail in the rounds and the joint
    /// vector, but not its weight table's): the claims are honest, so a skipped entry that matters makes the opening fail
    /// (keeping only P_g's live part of the weight tables too fails every case here). Proof bytes for a seed: ProofGoldenTests.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(127)]
    [InlineData(129)]
    [InlineData(1000)]
    public void Vectors_with_zero_tails_verify(int used)
    {
        // model parts keep `used` entries, the others fractions of it (W2 all of its 2^9 but the last 3 entries)
        int[] others = [9, 8, 5];
        var c = ZkOpeningCase.Make(300 + used, true, 2, 7, others, g => g switch { 0 or 1 => used, 2 => (1 << 9) - 3, 3 => used / 2 + 1, _ => used % 7 });
        var (mask, proof) = c.Prove();
        Assert.True(c.Verify(mask.Commitments, proof, out var reason), reason);
    }

    /// <summary>
    /// A mask confined to L* (docs/protocol.md "ZK mode: the column-major private input", (4)): its tables are the affine and
    /// top-block tables cut at L* plus R's positions below L*, its commitments are those tables' (through the confined points),
    /// σ_o is their hypercube sum, and a proof with it verifies, its opened joint vector zero from L* on when the vectors are.
    /// </summary>
    [Theory]
    [InlineData(8, 196)]
    [InlineData(10, 784)]
    [InlineData(9, 392)]
    [InlineData(10, 900)]
    public void A_confined_mask_is_cut_at_its_length_and_its_proofs_verify(int n, int used)
    {
        var mask = ZkOpeningMask.SampleConfined(Srs, ZkOpeningSetup.MaskPoints(Srs, n, used), n, used, new SeededRng(5));
        Assert.True(mask.Confined);
        Assert.Equal(used, mask.Used);
        Assert.All(mask.R.Positions, p => Assert.True(p < used));
        Assert.Equal(HyperKzgMask.ConfinedPositions(n, used, HyperKzgMask.Copies(n)), mask.R.Positions);
        int k = HyperKzg.LastLevelSize(n);
        var d1 = ZkOpeningMask.AffineTable(mask.A1, n);
        var d2 = ZkOpeningMask.AffineTable(mask.A2, n);
        for (int i = 0; i < d2.Length; i++) d2[i] += mask.Top[i / (d2.Length / k)];
        for (int i = used; i < d1.Length; i++) { d1[i] = Fr.Zero; d2[i] = Fr.Zero; }
        mask.R.AddTo(d1);
        Assert.Equal(d1, mask.D1Table());
        Assert.Equal(d2, mask.D2Table());
        var h = G1Jacobian.FromAffine(Srs.BlindingBase!.Value);
        Assert.Equal((G1Jacobian.FromAffine(HyperKzg.Commit(Srs, d1)) + h.ScalarMul(mask.BlindingD1)).ToAffine(), mask.CommitmentD1);
        Assert.Equal((G1Jacobian.FromAffine(HyperKzg.Commit(Srs, d2)) + h.ScalarMul(mask.BlindingD2)).ToAffine(), mask.CommitmentD2);
        var s = d2[0];
        foreach (var v in d1) s += v;
        Assert.Equal(s, mask.Sum());
        // the unconfined length is the unconfined mask
        Assert.False(ZkOpeningMask.SampleConfined(Srs, ZkOpeningSetup.MaskPoints(Srs, n), n, 1L << n).Confined);
        Assert.Throws<ArgumentException>(() => ZkOpeningMask.SampleConfined(Srs, ZkOpeningSetup.MaskPoints(Srs, n), n, (1L << n) + 1));
        // at or below 3·2^(N−2) a confined mask does not hide (ZkOpeningRankTests): refused, naming the bound
        var low = 3L << (n - 2);
        var ex = Assert.Throws<ArgumentException>(() => ZkOpeningMask.SampleConfined(Srs, ZkOpeningSetup.MaskPoints(Srs, n, low), n, low));
        Assert.Contains("does not hide", ex.Message);
        Assert.Equal(low + 1, ZkOpeningMask.MinConfinedLength(n));

        // vectors zero from L* on: the proof verifies, and the opened joint vector is zero from L* on
        var c = ZkOpeningCase.Make(700 + n, true, 0, 0, [n, n - 2], g => g == 0 ? used : used / 5);
        var (m2, proof) = c.ProveConfined(used, new SeededRng(6));
        Assert.True(c.Verify(m2.Commitments, proof, out var why), why);
        var m3 = ZkOpeningMask.SampleConfined(Srs, ZkOpeningSetup.MaskPoints(Srs, n, used), n, used, new SeededRng(7));
        var red = ZkBatchOpening.Reduce(ZkOpeningCase.T(), c.Vectors, c.Witnesses, c.Claims, m3, bindStatement: true);
        Assert.True(red.Joint.AsSpan().LastIndexOfAnyExcept(Fr.Zero) < used);
        Assert.Null(red.MaskPart);
        // a changed round coefficient or σ_o is still rejected
        var bad = new ZkBatchOpeningProof(proof.MaskSum + Fr.One, proof.RoundPolynomials, proof.InverseHint, proof.Opening);
        Assert.False(c.Verify(m2.Commitments, bad, out _));
    }

    /// <summary>The affine-mask points commit affine tables: a·S_∅ + Σ_b δ_b·S_b = Com(A), and S_b is the sum of the powers whose index has bit b.</summary>
    [Fact]
    public void Mask_points_commit_affine_tables()
    {
        var rng = new Random(3);
        for (int n = 0; n <= 13; n += n < 5 ? 1 : 4)
        {
            var pts = ZkOpeningSetup.MaskPoints(Srs, n);
            int k = HyperKzg.LastLevelSize(n);
            Assert.Equal(n + 1 + k, pts.Length);
            var a = TestSrs.RandomVector(rng, n + 1);
            var table = ZkOpeningMask.AffineTable(a, n);
            // U_u: the sum of the powers in top block u (K blocks).
            for (int u = 0; u < k; u++)
            {
                var block = new Fr[1 << n];
                for (int i = 0; i < block.Length; i++) if (i / (block.Length / k) == u) block[i] = Fr.One;
                Assert.Equal(HyperKzg.Commit(Srs, block), pts[n + 1 + u]);
            }
            for (int i = 0; i < table.Length; i++)
            {
                var want = a[0];
                for (int b = 0; b < n; b++) if ((i >> b & 1) == 1) want += a[b + 1];
                Assert.Equal(want, table[i]);
            }
            Assert.Equal(HyperKzg.Commit(Srs, table), G1Msm.Compute(pts.AsSpan(0, n + 1), a).ToAffine());
            if (n <= 4)
                for (int b = 0; b < n; b++)
                {
                    var sum = G1Jacobian.Infinity;
                    for (int i = 0; i < 1 << n; i++) if ((i >> b & 1) == 1) sum += Srs.G1Powers[i];
                    Assert.Equal(sum.ToAffine(), pts[b + 1]);
                }
        }
        Assert.Throws<ArgumentException>(() => ZkOpeningSetup.MaskPoints(Srs, 15)); // 2^15 powers exceed the test SRS
    }

    /// <summary>The mask sum σ_o and the closed-form rounds agree with the definitions (Σ over the hypercube, a dense sumcheck).</summary>
    [Fact]
    public void Mask_sum_is_the_hypercube_sum_of_D1_plus_eq0_times_D2()
    {
        int n = 7;
        var mask = ZkOpeningMask.Sample(Srs, ZkOpeningSetup.MaskPoints(Srs, n), n, new SeededRng(1));
        var d1 = ZkOpeningMask.AffineTable(mask.A1, n);
        mask.R.AddTo(d1);
        var d2 = ZkOpeningMask.AffineTable(mask.A2, n);
        for (int i = 0; i < d2.Length; i++) d2[i] += mask.Top[i >> (n - 1)]; // K = 2 at n = 7: T by the top bit
        Assert.Equal(d1, mask.D1Table());
        Assert.Equal(d2, mask.D2Table());
        Assert.Equal(HyperKzg.Commit(Srs, d2), (G1Jacobian.FromAffine(mask.CommitmentD2) - G1Jacobian.FromAffine(Srs.BlindingBase!.Value).ScalarMul(mask.BlindingD2)).ToAffine());
        var s = d2[0];
        foreach (var v in d1) s += v;
        Assert.Equal(s, mask.Sum());
        var c1 = HyperKzg.Commit(Srs, d1);
        Assert.Equal((G1Jacobian.FromAffine(c1) + G1Jacobian.FromAffine(Srs.BlindingBase!.Value).ScalarMul(mask.BlindingD1)).ToAffine(), mask.CommitmentD1);
        Assert.DoesNotContain(mask.A1[0].ToString(), mask.ToString());
    }

    /// <summary>Every element changed in turn (scalars + 1, points + G) is rejected, including the mask commitments and the statement's; so are flipped bytes.</summary>
    [Theory]
    [InlineData(4, 5, new[] { 6, 7 })]
    [InlineData(0, 0, new[] { 4, 2 })]
    [InlineData(1, 8, new[] { 10 })]
    public void Every_tampered_element_is_rejected(int parts, int partVars, int[] others)
    {
        var c = ZkOpeningCase.Make(300 + partVars, parts, partVars, others);
        var (mask, proof) = c.Prove();
        Assert.True(c.Verify(mask.Commitments, proof, out var why), why);
        var o = proof.Opening.Opening;
        var variants = new List<(string, ZkBatchOpeningProof)>();
        ZkBatchOpeningProof With(Fr? sigma = null, Fr[][]? rounds = null, Fr? hint = null, HyperKzgHidingProof? kzg = null) =>
            new(sigma ?? proof.MaskSum, rounds ?? proof.RoundPolynomials, hint ?? proof.InverseHint, kzg ?? proof.Opening);
        HyperKzgHidingProof Kzg(G1Affine[]? folds = null, Fr[]? evals = null, Fr? p0 = null, G1Affine[]? w = null, Fr[]? last = null, Fr? kh = null, Fr? sB = null) =>
            new(new HyperKzgProof(folds ?? o.FoldCommitments, evals ?? o.Evaluations, p0 ?? o.EvalAtR8, w ?? o.Witnesses, last ?? o.LastLevel, kh ?? o.InverseHint), sB ?? proof.Opening.BlindingSum);
        variants.Add(("σ_o", With(sigma: proof.MaskSum + Fr.One)));
        for (int k = 0; k < proof.RoundPolynomials.Length; k++)
            for (int j = 0; j < 2; j++)
            {
                var r = proof.RoundPolynomials.Select(x => (Fr[])x.Clone()).ToArray();
                r[k][j] += Fr.One;
                variants.Add(($"round {k} c{2 * j}", With(rounds: r)));
            }
        variants.Add(("inverse hint", With(hint: proof.InverseHint + Fr.One)));
        variants.Add(("inverse hint 0", With(hint: Fr.Zero)));
        for (int i = 0; i < o.FoldCommitments.Length; i++) { var f = (G1Affine[])o.FoldCommitments.Clone(); f[i] = TestSrs.Shift(f[i]); variants.Add(($"fold {i}", With(kzg: Kzg(folds: f)))); }
        for (int i = 0; i < o.Witnesses.Length; i++) { var f = (G1Affine[])o.Witnesses.Clone(); f[i] = TestSrs.Shift(f[i]); variants.Add(($"W{i}", With(kzg: Kzg(w: f)))); }
        for (int i = 0; i < o.Evaluations.Length; i++) { var e = (Fr[])o.Evaluations.Clone(); e[i] += Fr.One; variants.Add(($"G {i}", With(kzg: Kzg(evals: e)))); }
        for (int i = 0; i < o.LastLevel.Length; i++) { var e = (Fr[])o.LastLevel.Clone(); e[i] += Fr.One; variants.Add(($"last {i}", With(kzg: Kzg(last: e)))); }
        variants.Add(("P_0(r^8)", With(kzg: Kzg(p0: o.EvalAtR8 + Fr.One))));
        variants.Add(("HyperKZG hint", With(kzg: Kzg(kh: o.InverseHint + Fr.One))));
        variants.Add(("s_B", With(kzg: Kzg(sB: proof.Opening.BlindingSum + Fr.One))));
        // Every 32-byte word of the encoding has a variant (points count twice).
        Assert.True(variants.Count + o.FoldCommitments.Length + o.Witnesses.Length >= proof.ToBytes().Length / 32, $"{variants.Count} variants");
        foreach (var (what, bad) in variants) Assert.False(c.Verify(mask.Commitments, bad, out _), what);

        Assert.False(c.Verify([TestSrs.Shift(mask.CommitmentD1), mask.CommitmentD2], proof, out _), "C_D1");
        Assert.False(c.Verify([mask.CommitmentD1, TestSrs.Shift(mask.CommitmentD2)], proof, out _), "C_D2");
        Assert.False(c.Verify([mask.CommitmentD2, mask.CommitmentD1], proof, out _), "C_D1 and C_D2 swapped");
        // The same holds when the caller binds the statement (the transcript no longer sees C_D1, C_D2: only the opening does).
        var (m2, p2) = c.Prove(bind: false);
        Assert.False(c.Verify([TestSrs.Shift(m2.CommitmentD1), m2.CommitmentD2], p2, out _, bind: false), "C_D1, caller-bound");
        Assert.False(c.Verify([m2.CommitmentD1, TestSrs.Shift(m2.CommitmentD2)], p2, out _, bind: false), "C_D2, caller-bound");
        for (int g = 0; g < c.Vectors.Length; g++)
        {
            var vs = (ZkOpeningVector[])c.Vectors.Clone();
            vs[g] = vs[g] with { Commitment = TestSrs.Shift(vs[g].Commitment) };
            Assert.False(c.Verify(m2.Commitments, p2, out _, bind: false, vectors: vs), $"commitment of vector {g}");
        }

        var bytes = proof.ToBytes();
        for (int word = 0; word < bytes.Length / 32; word++)
        {
            var bad = (byte[])bytes.Clone();
            bad[32 * word + 31] ^= 1;
            bool ok = ZkBatchOpeningProof.TryDecode(bad, c.NumVars, out var p, out _) && c.Verify(mask.Commitments, p!, out _);
            Assert.False(ok, $"word {word} flipped");
        }
        Assert.False(ZkBatchOpeningProof.TryDecode(bytes.AsSpan(1), c.NumVars, out _, out var len));
        Assert.Contains("bytes", len);
    }

    /// <summary>A wrong value (in any claim), a wrong point, a wrong coefficient, a term moved to another vector, and the same statement with vectors swapped are rejected.</summary>
    [Fact]
    public void Wrong_value_point_coefficient_or_commitment_is_rejected()
    {
        var c = ZkOpeningCase.Make(77, 4, 5, 6, 7);
        for (int i = 0; i < c.Claims.Length; i++)
        {
            var bad = (ZkOpeningClaim[])c.Claims.Clone();
            bad[i] = bad[i] with { Value = bad[i].Value + Fr.One };
            // Proven honestly for the true claims, verified against the wrong one.
            var (mask, proof) = c.Prove();
            Assert.False(c.Verify(mask.Commitments, proof, out _, claims: bad), $"claim {i}: wrong value, honest proof");
            Assert.False(c.Verify(mask.Commitments, proof, out _, bind: true, claims: bad), $"claim {i}");
            // Proven for the wrong claim (the prover does not recompute values).
            var (m2, p2) = c.Prove(claims: bad);
            Assert.False(c.Verify(m2.Commitments, p2, out _, claims: bad), $"claim {i}: wrong value, proven");
            var (m3, p3) = c.Prove(claims: bad, bind: false);
            Assert.False(c.Verify(m3.Commitments, p3, out _, bind: false, claims: bad), $"claim {i}: wrong value, caller-bound");
        }
        // Wrong point: the first other vector's claim at a moved point, with the value of the old one (caller-bound: only the opening can tell).
        int w1 = 4;
        var moved = (ZkOpeningClaim[])c.Claims.Clone();
        int at = Array.FindIndex(moved, x => x.Terms.Count == 1 && x.Terms[0].Vector == w1);
        var z = TestSrs.RandomVector(new Random(5), c.Vectors[w1].NumVars);
        moved[at] = ZkOpeningClaim.At(w1, z, moved[at].Value);
        var (mm, pm) = c.Prove(claims: moved, bind: false);
        Assert.False(c.Verify(mm.Commitments, pm, out _, bind: false, claims: moved), "wrong point");
        // Wrong coefficient in a combined claim.
        int comb = Array.FindIndex(c.Claims, x => x.Terms.Count == 2 && x.Terms[0].Vector != x.Terms[1].Vector);
        var coef = (ZkOpeningClaim[])c.Claims.Clone();
        coef[comb] = coef[comb] with { Terms = [coef[comb].Terms[0], coef[comb].Terms[1] with { Coefficient = coef[comb].Terms[1].Coefficient + Fr.One }] };
        var (mc, pc) = c.Prove(claims: coef, bind: false);
        Assert.False(c.Verify(mc.Commitments, pc, out _, bind: false, claims: coef), "wrong coefficient");
        // Another vector's commitment in a role (two vectors of equal size swapped: W1 ↔ part 0 differ in size, parts 0 ↔ 1 do not).
        var swapped = (ZkOpeningVector[])c.Vectors.Clone();
        (swapped[0], swapped[1]) = (swapped[1] with { Role = swapped[0].Role }, swapped[0] with { Role = swapped[1].Role });
        var (ms, ps) = c.Prove(bind: false);
        Assert.True(c.Verify(ms.Commitments, ps, out var ok, bind: false), ok);
        Assert.False(c.Verify(ms.Commitments, ps, out _, bind: false, vectors: swapped), "parts 0 and 1 swapped");
        // A commitment to other entries (a fresh hiding commitment of a changed vector) in one role.
        var other = (Fr[])c.Witnesses[w1].Values.Clone();
        other[3] += Fr.One;
        var vs = (ZkOpeningVector[])c.Vectors.Clone();
        vs[w1] = vs[w1] with { Commitment = HyperKzg.CommitHiding(Srs, other).Commitment };
        Assert.False(c.Verify(ms.Commitments, ps, out _, bind: false, vectors: vs), "a commitment to another vector");
    }

    /// <summary>Malformed statements are refused with a message naming the vector, claim or term; the verifier returns false, the prover throws ArgumentException.</summary>
    [Fact]
    public void Malformed_statements_are_named()
    {
        var c = ZkOpeningCase.Make(8, 0, 0, 5, 3);
        var (mask, proof) = c.Prove();
        var wrongVec = new[] { new ZkOpeningClaim([new ZkClaimTerm(2, Fr.One, OpeningWeight.Eq(new Fr[5]))], Fr.Zero) };
        Assert.False(c.Verify(mask.Commitments, proof, out var r1, claims: wrongVec));
        Assert.Contains("vector 2 out of range", r1);
        var wrongSize = new[] { new ZkOpeningClaim([new ZkClaimTerm(1, Fr.One, OpeningWeight.Eq(new Fr[5]))], Fr.Zero) };
        Assert.False(c.Verify(mask.Commitments, proof, out var r2, claims: wrongSize));
        Assert.Contains("weight over 5 variables on vector 1 (W2) of 3", r2);
        var noFirst = new[] { ZkOpeningClaim.At(1, new Fr[3], Fr.Zero) };
        Assert.False(c.Verify(mask.Commitments, proof, out var r3, claims: noFirst));
        Assert.Contains("vector 0 (W1) has no term", r3);
        var small = ZkOpeningCase.Make(9, 0, 0, 3);
        var ex = Assert.Throws<ArgumentException>(() => small.Prove());
        Assert.Contains("needs 4", ex.Message);
        Assert.Throws<ArgumentException>(() => ZkBatchOpening.Prove(Srs, ZkOpeningCase.T(), c.Vectors, c.Witnesses, c.Claims,
            ZkOpeningMask.Sample(Srs, ZkOpeningSetup.MaskPoints(Srs, 6), 6), true));
        Assert.False(c.Verify([mask.CommitmentD1], proof, out var r4));
        Assert.Contains("C_D1, C_D2", r4);
    }

    /// <summary>A mask serves one proof: a second use throws (two proofs with one mask would reveal the difference of their unmasked rounds).</summary>
    [Fact]
    public void A_mask_serves_one_proof()
    {
        var c = ZkOpeningCase.Make(10, 0, 0, 5);
        var mask = ZkOpeningMask.Sample(Srs, c.MaskPoints, c.NumVars);
        ZkBatchOpening.Prove(Srs, ZkOpeningCase.T(), c.Vectors, c.Witnesses, c.Claims, mask, true);
        var ex = Assert.Throws<InvalidOperationException>(() => ZkBatchOpening.Prove(Srs, ZkOpeningCase.T(), c.Vectors, c.Witnesses, c.Claims, mask, true));
        Assert.Contains("fresh mask", ex.Message);
    }

    /// <summary>The proof elements as 32-byte words (points give one entry each).</summary>
    private static HashSet<string> Elements(ZkOpeningMask mask, ZkBatchOpeningProof p)
    {
        var set = new HashSet<string>();
        foreach (var g in mask.Commitments) set.Add("P" + g);
        set.Add("S" + p.MaskSum);
        foreach (var r in p.RoundPolynomials) foreach (var x in r) set.Add("S" + x);
        var o = p.Opening.Opening;
        foreach (var g in o.FoldCommitments.Concat(o.Witnesses)) set.Add("P" + g);
        foreach (var e in o.Evaluations.Append(o.EvalAtR8).Concat(o.LastLevel)) set.Add("S" + e);
        set.Add("S" + p.Opening.BlindingSum);
        return set;
    }

    /// <summary>
    /// Fresh randomness gives different proof elements: two proofs of the same statement and witnesses share no element
    /// (mask commitments, σ_o, every round coefficient, folds, W, W′, every G, P_0(r^8), the last level, s_B) — except the
    /// inverse hint and the HyperKZG hint, which are functions of the challenges (fresh too, because the challenges are).
    /// </summary>
    [Theory]
    [InlineData(4, 5, new[] { 6, 7 })]
    [InlineData(0, 0, new[] { 4 })]
    [InlineData(0, 0, new[] { 5, 5 })]
    public void Fresh_randomness_gives_different_proof_elements(int parts, int partVars, int[] others)
    {
        var c = ZkOpeningCase.Make(400 + others.Length, parts, partVars, others);
        var (m1, p1) = c.Prove();
        var (m2, p2) = c.Prove();
        Assert.True(c.Verify(m1.Commitments, p1, out var r1), r1);
        Assert.True(c.Verify(m2.Commitments, p2, out var r2), r2);
        Assert.Empty(Elements(m1, p1).Intersect(Elements(m2, p2)));
        Assert.NotEqual(p1.InverseHint, p2.InverseHint);
        // Control: the same seeded randomness gives the same proof (the elements are functions of the randomness).
        var (s1, q1) = c.Prove(new SeededRng(5));
        var (s2, q2) = c.Prove(new SeededRng(5));
        Assert.Equal(q1.ToBytes(), q2.ToBytes());
        Assert.Equal(s1.Commitments, s2.Commitments);
    }

    /// <summary>Model parts with precomputed fold bases (FixedPart in the hiding HyperKZG) give the same proof as without them.</summary>
    [Fact]
    public void Precomputed_fold_bases_of_the_parts_give_the_same_proof()
    {
        var rng = new Random(12);
        int partVars = 7, parts = 4;
        var vectors = new List<ZkOpeningVector>();
        var plain = new List<ZkOpeningWitness>();
        var withFolds = new List<ZkOpeningWitness>();
        for (int j = 0; j < parts; j++)
        {
            var ints = Enumerable.Range(0, 1 << partVars).Select(_ => (long)rng.Next(-128, 128)).ToArray();
            var v = ints.Select(Fr.FromInt64).ToArray();
            var c = HyperKzg.CommitSmallHiding(Srs, ints);
            vectors.Add(new ZkOpeningVector($"model part {j}", c.Commitment, partVars));
            plain.Add(new ZkOpeningWitness(v, c.Blinding));
            withFolds.Add(new ZkOpeningWitness(v, c.Blinding, FoldBases.Compute(Srs, ints, 1)));
        }
        var w = TestSrs.RandomVector(rng, 1 << 7);
        var cw = HyperKzg.CommitHiding(Srs, w);
        vectors.Add(new ZkOpeningVector("W1", cw.Commitment, 7));
        plain.Add(new ZkOpeningWitness(w, cw.Blinding));
        withFolds.Add(new ZkOpeningWitness(w, cw.Blinding));
        var z = TestSrs.RandomVector(rng, 9);
        var model = Enumerable.Range(0, parts).SelectMany(j => plain[j].Values).ToArray();
        var zw = TestSrs.RandomVector(rng, 7);
        ZkOpeningClaim[] claims = [ZkOpeningClaim.OnParts([0, 1, 2, 3], z, TestSrs.Mle(model, z)), ZkOpeningClaim.At(4, zw, TestSrs.Mle(w, zw))];
        var pts = ZkOpeningSetup.MaskPoints(Srs, 7);
        ZkBatchOpeningProof Run(List<ZkOpeningWitness> ws, out ZkOpeningMask mask)
        {
            var rngP = new SeededRng(99);
            mask = ZkOpeningMask.Sample(Srs, pts, 7, rngP);
            return ZkBatchOpening.Prove(Srs, ZkOpeningCase.T(), vectors, ws, claims, mask, true, rngP);
        }
        var a = Run(plain, out var ma);
        var b = Run(withFolds, out _);
        Assert.Equal(a.ToBytes(), b.ToBytes());
        Assert.True(ZkBatchOpening.Verify(TestSrs.Vk, Srs.BlindingBase!.Value, ZkOpeningCase.T(), vectors, claims, ma.Commitments, b, true, out var why), why);
    }

    /// <summary>
    /// Review finding 1 regression (docs/zk-design.md §10.2): a prover that runs the batched sumcheck on ONE false claim
    /// ends with a final value e ≠ J(r). Every scalar it controls after the last challenge is tried: the inverse hint (0
    /// makes the opened claim the zero vector at value 0, which HyperKZG accepts — the hint check is what rejects it), s_B,
    /// and the last-level values (set so that they fold to the claimed value). All are rejected. Teeth: a free scalar x
    /// after the last challenge added to the coefficient of G — the deleted split-fold design's σ_t — opens the same false
    /// claim, and the hiding HyperKZG accepts it.
    /// </summary>
    [Theory]
    [InlineData(4, 5, new[] { 6, 7 })]
    [InlineData(0, 0, new[] { 8, 4 })]
    public void Finding1_a_false_claim_cannot_be_fixed_after_the_last_challenge(int parts, int partVars, int[] others)
    {
        var c = ZkOpeningCase.Make(500 + parts, parts, partVars, others);
        var h = Srs.BlindingBase!.Value;
        for (int victim = 0; victim < c.Claims.Length; victim += Math.Max(1, c.Claims.Length / 3))
        {
            var claims = (ZkOpeningClaim[])c.Claims.Clone();
            claims[victim] = claims[victim] with { Value = claims[victim].Value + Fr.FromInt64(5) };
            var mask = ZkOpeningMask.Sample(Srs, c.MaskPoints, c.NumVars);
            var t = ZkOpeningCase.T();
            var red = ZkBatchOpening.Reduce(t, c.Vectors, c.Witnesses, claims, mask, true);
            var actual = TestSrs.Mle(red.Joint, red.Point);
            Assert.NotEqual(actual, red.Value); // the false claim leaves e ≠ J(r)
            var state = t.Clone();

            // The verifier's claim is the prover's, computed without any scalar sent after the last challenge but the checked hint.
            var tv = ZkOpeningCase.T();
            Assert.Null(ZkBatchOpening.Replay(tv, c.Vectors, claims, mask.Commitments, red.MaskSum, red.Rounds, red.InverseHint, true, out var joint));
            Assert.Equal((red.Commitment, red.Value), (joint!.Commitment, joint.Value));
            Assert.Equal(red.Point, joint.Point);

            bool Accepts(Fr hint, HyperKzgHidingProof kzg) =>
                ZkBatchOpening.Verify(TestSrs.Vk, h, ZkOpeningCase.T(), c.Vectors, claims, mask.Commitments, new ZkBatchOpeningProof(red.MaskSum, red.Rounds, hint, kzg), true, out _);

            // (a) honest HyperKZG of the false value.
            var honest = HyperKzg.ProveHiding(Srs, state.Clone(), red.Commitment, red.Blinding, red.Joint, red.Point, red.Value);
            Assert.False(Accepts(red.InverseHint, honest), $"claim {victim}: honest opening of the false value");
            // (b) hint = 0: the opened claim becomes (O, r, 0), true for the zero vector.
            var tz = ZkOpeningCase.T();
            Assert.NotNull(ZkBatchOpening.Replay(tz, c.Vectors, claims, mask.Commitments, red.MaskSum, red.Rounds, Fr.Zero, true, out _));
            var zeroProof = HyperKzg.ProveHiding(Srs, state.Clone(), G1Affine.Infinity, Fr.Zero, new Fr[red.Joint.Length], red.Point, Fr.Zero);
            Assert.True(HyperKzg.VerifyHiding(TestSrs.Vk, h, state.Clone(), G1Affine.Infinity, red.Point, Fr.Zero, zeroProof, out _), "control: the zero opening itself is valid");
            Assert.False(Accepts(Fr.Zero, zeroProof), $"claim {victim}: hint 0");
            Assert.False(Accepts(red.InverseHint + red.InverseHint, honest), $"claim {victim}: hint doubled");
            // (c) s_B: any other value.
            foreach (var shift in new[] { Fr.One, Fr.FromInt64(-1), Fr.Random(new Random(victim)) })
                Assert.False(Accepts(red.InverseHint, new HyperKzgHidingProof(honest.Opening, honest.BlindingSum + shift)), $"claim {victim}: s_B shifted");
            // (d) the last level set to fold to the claimed value: the level below no longer matches it.
            var o = honest.Opening;
            var last = (Fr[])o.LastLevel.Clone();
            int s = last.Length == 8 ? 3 : last.Length == 4 ? 2 : 1, l = red.Point.Length;
            var eq = Polynomials.Eq.Table(red.Point.AsSpan(0, s)); // the last level's coordinates are the first s (most significant bits)
            last[0] += (red.Value - actual) * eq[0].Inverse();
            var fold = Fr.Zero;
            for (int b = 0; b < last.Length; b++) fold += eq[b] * last[b];
            Assert.Equal(red.Value, fold);
            var lastFixed = new HyperKzgHidingProof(new HyperKzgProof(o.FoldCommitments, o.Evaluations, o.EvalAtR8, o.Witnesses, last, o.InverseHint), honest.BlindingSum);
            Assert.False(Accepts(red.InverseHint, lastFixed), $"claim {victim}: last level fixed");
            Assert.True(l >= 4);

            // Teeth: a scalar x sent after the last challenge and added to the coefficient of G (J + x·e_0, C + x·G) opens the false value.
            var eq0 = Fr.One;
            foreach (var coord in red.Point) eq0 *= Fr.One - coord;
            var x = (red.Value - actual) * eq0.Inverse();
            var forged = (Fr[])red.Joint.Clone();
            forged[0] += x;
            var cForged = (G1Jacobian.FromAffine(red.Commitment) + G1Jacobian.Generator.ScalarMul(x)).ToAffine();
            var kzgForged = HyperKzg.ProveHiding(Srs, state.Clone(), cForged, red.Blinding, forged, red.Point, red.Value);
            Assert.True(HyperKzg.VerifyHiding(TestSrs.Vk, h, state.Clone(), cForged, red.Point, red.Value, kzgForged, out var why), $"teeth: {why}");
        }
    }

    /// <summary>
    /// Structure (§10.2): the proof carries σ_o, the rounds, the inverse hint and the hiding HyperKZG proof — no per-vector
    /// evaluation, no γ, no other scalar; the verifier's joint claim (C′, r, e′) is computed by <c>Replay</c> from the
    /// statement, σ_o and the rounds (absorbed before the challenges after them) and the hint (checked), and HyperKZG's
    /// F has s_B as its only prover scalar (docs/protocol.md "HyperKZG", ZK mode).
    /// </summary>
    [Fact]
    public void The_opened_claim_uses_no_prover_scalar_after_the_last_challenge()
    {
        var props = typeof(ZkBatchOpeningProof).GetProperties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "InverseHint", "MaskSum", "Opening", "RoundPolynomials" }, props);
        var replay = typeof(ZkBatchOpening).GetMethod("Replay", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        Assert.DoesNotContain(replay.GetParameters(), p => p.ParameterType == typeof(ZkBatchOpeningProof) || p.ParameterType == typeof(HyperKzgHidingProof));
        var hidingProps = typeof(HyperKzgHidingProof).GetProperties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "BlindingSum", "Opening" }, hidingProps);
    }

    /// <summary>
    /// Caller obligation (bindStatement false): C_D1, C_D2 must be absorbed before the opening. A prover whose C_D2 is not
    /// bound proves a false claim: after the last challenge it moves D2 by x·e_1 (D2[0], hence σ_o, unchanged) with x chosen
    /// so that the joint vector takes the final value, and sends C_D2 + x·[τ]₁. Accepted when nothing bound C_D2; rejected
    /// when the opening binds it (the changed C_D2 changes every challenge).
    /// </summary>
    [Fact]
    public void Mask_commitments_not_bound_before_the_opening_forge_a_false_claim()
    {
        var c = ZkOpeningCase.Make(901, 0, 0, 6, 5);
        var claims = (ZkOpeningClaim[])c.Claims.Clone();
        claims[0] = claims[0] with { Value = claims[0].Value + Fr.One };
        var mask = ZkOpeningMask.Sample(Srs, c.MaskPoints, c.NumVars);
        var t = ZkOpeningCase.T();
        var red = ZkBatchOpening.Reduce(t, c.Vectors, c.Witnesses, claims, mask, false);
        Assert.Null(ZkBatchOpening.Replay(ZkOpeningCase.T(), c.Vectors, claims, mask.Commitments, red.MaskSum, red.Rounds, red.InverseHint, false, out var joint));
        var m2 = joint!.RhoPrime * red.InverseHint * joint.Eq0; // D2's coefficient in the normalised joint vector
        var e1 = new Fr[red.Joint.Length]; e1[1] = Fr.One;
        var x = (red.Value - TestSrs.Mle(red.Joint, red.Point)) * (m2 * TestSrs.Mle(e1, red.Point)).Inverse();
        var forged = (Fr[])red.Joint.Clone();
        forged[1] += m2 * x;
        var tauG = Srs.G1Powers[1];
        var cD2 = (G1Jacobian.FromAffine(mask.CommitmentD2) + G1Jacobian.FromAffine(tauG).ScalarMul(x)).ToAffine();
        var cJ = (G1Jacobian.FromAffine(red.Commitment) + G1Jacobian.FromAffine(tauG).ScalarMul(m2 * x)).ToAffine();
        var kzg = HyperKzg.ProveHiding(Srs, t, cJ, red.Blinding, forged, red.Point, red.Value);
        var proof = new ZkBatchOpeningProof(red.MaskSum, red.Rounds, red.InverseHint, kzg);
        Assert.True(c.Verify([mask.CommitmentD1, cD2], proof, out var why, bind: false, claims: claims), "the forgery needs an unbound C_D2: " + why);
        Assert.False(c.Verify([mask.CommitmentD1, cD2], proof, out _, bind: true, claims: claims), "bound: rejected");
    }
}
