using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;
using Xunit.Abstractions;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// Zero-knowledge (Libra-masked) sumchecks, docs/zk-design.md §5.3 and §7.2 (Lemma L): completeness over sizes,
/// degrees and vanishing factor masks (last round up to degree 4 and beyond), soundness negatives, and a
/// statistical check of the masking lemma that fails against the unmasked prover.
/// </summary>
public class MaskedSumcheckTests(ITestOutputHelper log)
{
    // The tests' stand-in for a binding commitment to the mask: SHA-256 of its table. "Discharging g(r) = v_g on the
    // commitment" means: the table whose hash was absorbed, evaluated at r with the weighted-claim weights.
    private static byte[] Commit(LibraMask mask) => SHA256.HashData(mask.ToTable().SelectMany(e => e.ToBytesBigEndian()).ToArray());

    private static Fr WeightedClaim(LibraMask committed, Fr[] point)
    {
        var table = committed.ToTable();
        var u = LibraMask.EvaluationWeights(point);
        var acc = Fr.Zero;
        for (int i = 0; i < table.Length; i++) acc += table[i] * u[i];
        return acc;
    }

    private sealed record Instance(ProductSum Shape, Fr[][] Tables, int NumVars, VanishingMask?[] Masks)
    {
        public List<DenseMle> Fresh() => Tables.Select(t => new DenseMle((Fr[])t.Clone())).ToList();

        public int[] MaskedIndices => Enumerable.Range(0, Masks.Length).Where(k => Masks[k] != null).ToArray();

        // The masked factor values at a point, computed independently of the prover.
        public Fr[] FactorValues(Fr[] point) => Tables.Select((t, k) =>
        {
            var v = DenseMle.Evaluate(t, point);
            if (Masks[k] is { } m)
            {
                var last = point[^1];
                v += last * (Fr.One - last) * m.CoefficientAt(point[..^1]);
            }
            return v;
        }).ToArray();

        public Fr HypercubeSum(Fr[]? tau)
        {
            var eq = tau == null ? null : Eq.Table(tau);
            var s = Fr.Zero;
            var vals = new Fr[Tables.Length];
            for (int i = 0; i < 1 << NumVars; i++)
            {
                for (int k = 0; k < Tables.Length; k++) vals[k] = Tables[k][i];
                var v = Shape.Combine(vals);
                s += eq == null ? v : eq[i] * v;
            }
            return s;
        }
    }

    private static Fr[] RandomTable(Random rng, int n) => Enumerable.Range(0, 1 << n).Select(_ => Fr.Random(rng)).ToArray();

    // Shapes of degree 1..3 over three MLEs (as in SumcheckTests); maskPattern bit k masks factor k.
    private static Instance RandomInstance(Random rng, int n, int degree, int maskPattern)
    {
        var tables = new Fr[3][];
        for (int k = 0; k < 3; k++) tables[k] = RandomTable(rng, n);
        var terms = degree switch
        {
            1 => new List<ProductTerm> { new(Fr.Random(rng), [0]), new(Fr.Random(rng), [2]), new(Fr.Random(rng), []) },
            2 => new List<ProductTerm> { new(Fr.Random(rng), [0, 1]), new(Fr.One, [2]) },
            _ => new List<ProductTerm> { new(Fr.Random(rng), [0, 1, 2]), new(Fr.Random(rng), [1, 1]), new(-Fr.One, [2]) },
        };
        var masks = new VanishingMask?[3];
        for (int k = 0; k < 3; k++)
            if ((maskPattern >> k & 1) == 1)
                masks[k] = n >= 2
                    ? VanishingMask.Affine(rng.Next(n - 1), Fr.Random(rng), Fr.Random(rng))
                    : new VanishingMask(_ => Fr.FromInt64(5 + k));
        return new Instance(new ProductSum(3, terms), tables, n, masks);
    }

    public static TheoryData<int, int, int, bool> Cases()
    {
        var d = new TheoryData<int, int, int, bool>();
        foreach (var zero in new[] { false, true })
            foreach (var n in new[] { 1, 2, 3, 5, 8, 11 })
                for (int deg = 1; deg <= 3; deg++)
                    foreach (var pattern in new[] { 0, 1, 3, 7 })
                        if (n <= 5 || pattern == 3) d.Add(n, deg, pattern, zero);
        return d;
    }

    private static Fr[] RandomTau(Random rng, int n, bool zeroCheck)
    {
        if (!zeroCheck) return [];
        var tau = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        if (n > 2) tau[1] = Fr.Zero; // exercises the τ_i = 0 path (all points evaluated)
        if (n > 3) tau[^1] = Fr.Zero; // and in the last round, where the vanishing masks act
        return tau;
    }

    private static (MaskedSumcheckProverOutput Output, LibraMask Mask) Prove(Instance inst, Fr[] tau, Fr claim, bool zeroCheck, int seed, string domain = "masked")
    {
        var rng = new SeededRng(seed);
        var masks = inst.Masks.Any(m => m != null) ? inst.Masks : null;
        return zeroCheck
            ? SumcheckProver.ProveZeroCheckMasked(new Transcript(domain), inst.Shape, inst.Fresh(), tau, claim, rng, Commit, masks)
            : SumcheckProver.ProveMasked(new Transcript(domain), inst.Shape, inst.Fresh(), claim, rng, Commit, masks);
    }

    private static MaskedSumcheckResult Verify(bool zeroCheck, Fr claim, Fr[] tau, int[] degrees, byte[] commitment, Fr maskSum, SumcheckProof proof, Fr maskEval,
        string domain = "masked", LibraLabels? labels = null)
        => zeroCheck
            ? SumcheckVerifier.VerifyZeroCheckMasked(new Transcript(domain), claim, tau, degrees, commitment, maskSum, proof, maskEval, labels)
            : SumcheckVerifier.VerifyMasked(new Transcript(domain), claim, degrees, commitment, maskSum, proof, maskEval, labels);

    // Full acceptance: the verifier's replay, F at the point from the (honest, committed) factors, and the weighted
    // claim on the committed mask.
    private static bool Accepts(Instance inst, bool zeroCheck, Fr claim, Fr[] tau, int[] degrees, LibraMask committed, Fr maskSum, SumcheckProof proof, Fr maskEval,
        string domain = "masked")
    {
        var res = Verify(zeroCheck, claim, tau, degrees, Commit(committed), maskSum, proof, maskEval, domain);
        return res.Success
            && res.CheckFinalValue(inst.Shape.Combine(inst.FactorValues(res.Point)), out _)
            && WeightedClaim(committed, res.Point) == maskEval;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Completeness(int n, int degree, int maskPattern, bool zeroCheck)
    {
        var rng = new Random(1000 * n + 100 * degree + 10 * maskPattern + (zeroCheck ? 1 : 0));
        var inst = RandomInstance(rng, n, degree, maskPattern);
        var tau = RandomTau(rng, n, zeroCheck);
        var claim = inst.HypercubeSum(zeroCheck ? tau : null);
        var (output, mask) = Prove(inst, tau, claim, zeroCheck, seed: n + 17 * degree);

        // Degree profile: the shape's degree, the last round Σ (2 per masked factor) over the worst term.
        var expected = SumcheckProver.RoundDegrees(inst.Shape, n, inst.MaskedIndices);
        Assert.Equal(expected, output.Degrees);
        Assert.Equal(expected, mask.Degrees);
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], output.Proof.Rounds[i].Length);
        if (degree == 2 && maskPattern == 3) Assert.Equal(4, expected[^1]); // P̂0·P̂1: §0.2's degree-4 last round
        if (degree == 3 && maskPattern == 7) Assert.Equal(6, expected[^1]);

        Assert.Equal(zeroCheck ? mask.SumUnderEq(tau) : mask.Sum(), output.MaskSum);
        Assert.Equal(mask.Evaluate(output.Point), output.MaskEvaluation);
        Assert.Equal(inst.FactorValues(output.Point), output.FinalEvaluations);

        var res = Verify(zeroCheck, claim, tau, expected, Commit(mask), output.MaskSum, output.Proof, output.MaskEvaluation);
        Assert.True(res.Success, res.Error);
        Assert.Equal(output.Point, res.Point);
        Assert.True(res.CheckFinalValue(inst.Shape.Combine(output.FinalEvaluations), out _));
        Assert.True(Accepts(inst, zeroCheck, claim, tau, expected, mask, output.MaskSum, output.Proof, output.MaskEvaluation));

        // The bytes round-trip with the profile.
        Assert.True(SumcheckProof.TryParse(output.Proof.ToBytes(), expected, out var parsed, out var err), err);
        Assert.Equal(output.Proof.ToBytes(), parsed!.ToBytes());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AMaskOfHigherDegreeSetsTheProfile(bool zeroCheck)
    {
        // The profile is the mask's: any degree ≥ F's per round works (e.g. one profile shared by several shapes).
        var rng = new Random(zeroCheck ? 31 : 32);
        var inst = RandomInstance(rng, 5, 2, maskPattern: 0);
        var tau = RandomTau(rng, 5, zeroCheck);
        var claim = inst.HypercubeSum(zeroCheck ? tau : null);
        int[] profile = [3, 5, 2, 7, 4];
        var mask = LibraMask.Sample(profile, new SeededRng(4));
        var output = zeroCheck
            ? SumcheckProver.ProveZeroCheckMasked(new Transcript("masked"), inst.Shape, inst.Fresh(), tau, claim, mask, Commit(mask))
            : SumcheckProver.ProveMasked(new Transcript("masked"), inst.Shape, inst.Fresh(), claim, mask, Commit(mask));
        Assert.Equal(profile, output.Proof.Rounds.Select(r => r.Length).ToArray());
        Assert.True(Accepts(inst, zeroCheck, claim, tau, profile, mask, output.MaskSum, output.Proof, output.MaskEvaluation));
        Assert.False(Accepts(inst, zeroCheck, claim + Fr.One, tau, profile, mask, output.MaskSum, output.Proof, output.MaskEvaluation));
    }

    /// <summary>
    /// The transcript order of docs/protocol.md "Sumcheck → ZK mode (in progress)", replayed step by step with raw
    /// absorbs and challenges: commitment bytes, sumcheck_claim, the mask sum, ρ′, then per round the message and r_i.
    /// The replay reaches the prover's final state and point (so any reordering in the code fails this test).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TranscriptFollowsTheDocumentedOrder(bool zeroCheck)
    {
        var rng = new Random(zeroCheck ? 81 : 82);
        var inst = RandomInstance(rng, 5, 2, maskPattern: 3);
        var tau = RandomTau(rng, 5, zeroCheck);
        var claim = inst.HypercubeSum(zeroCheck ? tau : null);
        var labels = new LibraLabels("mm_mask_com", "mm_mask_sum", "mm_rho");
        var mask = LibraMask.Sample(SumcheckProver.RoundDegrees(inst.Shape, 5, inst.MaskedIndices), new SeededRng(8));
        var commitment = Commit(mask);
        var pt = new Transcript("order");
        var output = zeroCheck
            ? SumcheckProver.ProveZeroCheckMasked(pt, inst.Shape, inst.Fresh(), tau, claim, mask, commitment, inst.Masks, labels)
            : SumcheckProver.ProveMasked(pt, inst.Shape, inst.Fresh(), claim, mask, commitment, inst.Masks, labels);

        var replay = new Transcript("order");
        replay.AppendBytes("mm_mask_com", commitment);
        replay.AppendScalar("sumcheck_claim", claim);
        replay.AppendScalar("mm_mask_sum", zeroCheck ? mask.SumUnderEq(tau) : mask.Sum());
        var rho = replay.ChallengeScalar("mm_rho");
        var point = new List<Fr>();
        foreach (var round in output.Proof.Rounds)
        {
            replay.AppendScalars("sumcheck_round", round);
            point.Add(replay.ChallengeScalar("sumcheck_r"));
        }
        Assert.Equal(pt.State, replay.State);
        Assert.Equal(output.Point, point);
        // Without commitment bytes nothing is absorbed for them.
        var pt2 = new Transcript("order");
        var o2 = zeroCheck
            ? SumcheckProver.ProveZeroCheckMasked(pt2, inst.Shape, inst.Fresh(), tau, claim, new LibraMask(mask.Coefficients), [], inst.Masks, labels)
            : SumcheckProver.ProveMasked(pt2, inst.Shape, inst.Fresh(), claim, new LibraMask(mask.Coefficients), [], inst.Masks, labels);
        var replay2 = new Transcript("order");
        replay2.AppendScalar("sumcheck_claim", claim);
        replay2.AppendScalar("mm_mask_sum", o2.MaskSum);
        Assert.NotEqual(rho, replay2.ChallengeScalar("mm_rho")); // the commitment bytes changed ρ′
        foreach (var round in o2.Proof.Rounds)
        {
            replay2.AppendScalars("sumcheck_round", round);
            replay2.ChallengeScalar("sumcheck_r");
        }
        Assert.Equal(pt2.State, replay2.State);
    }

    [Fact]
    public void MaskTableWeightsAndTheirMleAgree()
    {
        var rng = new Random(5);
        foreach (var n in new[] { 1, 3, 4, 9 })
        {
            var mask = LibraMask.Sample(Enumerable.Range(0, n).Select(i => 1 + i % 7).ToArray(), new SeededRng(n));
            var point = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
            Assert.Equal(mask.Evaluate(point), WeightedClaim(mask, point));
            var u = LibraMask.EvaluationWeights(point);
            Assert.Equal(LibraMask.TableLength(n), u.Length);
            int vars = System.Numerics.BitOperations.Log2((uint)u.Length);
            var z = Enumerable.Range(0, vars).Select(_ => Fr.Random(rng)).ToArray();
            Assert.Equal(DenseMle.Evaluate(u, z), LibraMask.WeightMle(point, z));
            // Sums against brute force over the hypercube.
            var tau = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
            var eq = Eq.Table(tau);
            Fr plain = Fr.Zero, weighted = Fr.Zero;
            for (int x = 0; x < 1 << n; x++)
            {
                var bits = Enumerable.Range(0, n).Select(j => (x >> (n - 1 - j) & 1) == 1 ? Fr.One : Fr.Zero).ToArray();
                var g = mask.Evaluate(bits);
                plain += g;
                weighted += eq[x] * g;
            }
            Assert.Equal(plain, mask.Sum());
            Assert.Equal(weighted, mask.SumUnderEq(tau));
        }
        // The record never prints its coefficients.
        var m = LibraMask.Sample([2, 4], new SeededRng(1));
        Assert.DoesNotContain(m.Coefficients[0][0].ToBigInteger().ToString(), m.ToString());
        Assert.Contains("Degrees = [2, 4]", m.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SoundnessNegatives(bool zeroCheck)
    {
        var rng = new Random(zeroCheck ? 41 : 42);
        int n = 6;
        var inst = RandomInstance(rng, n, 2, maskPattern: 3);
        var tau = RandomTau(rng, n, zeroCheck);
        var claim = inst.HypercubeSum(zeroCheck ? tau : null);
        var (output, mask) = Prove(inst, tau, claim, zeroCheck, seed: 9);
        var deg = output.Degrees;
        Assert.Equal(4, deg[^1]);
        bool Ok(SumcheckProof p, Fr c, Fr sigma, Fr vg, LibraMask? committed = null, string domain = "masked")
            => Accepts(inst, zeroCheck, c, tau, deg, committed ?? mask, sigma, p, vg, domain);
        Assert.True(Ok(output.Proof, claim, output.MaskSum, output.MaskEvaluation));

        // Tampered round polynomial: every coefficient of every round, including the degree-4 last round.
        for (int i = 0; i < n; i++)
            for (int k = 0; k < deg[i]; k++)
            {
                var rounds = output.Proof.Rounds.Select(r => (Fr[])r.Clone()).ToArray();
                rounds[i][k] += Fr.One;
                Assert.False(Ok(new SumcheckProof(rounds), claim, output.MaskSum, output.MaskEvaluation), $"round {i} coefficient {k}");
            }
        // Wrong claimed sum: at the verifier, and a prover that proves a false claim.
        Assert.False(Ok(output.Proof, claim + Fr.One, output.MaskSum, output.MaskEvaluation), "claim");
        var (falseOut, falseMask) = Prove(inst, tau, claim + Fr.One, zeroCheck, seed: 9);
        Assert.False(Ok(falseOut.Proof, claim + Fr.One, falseOut.MaskSum, falseOut.MaskEvaluation, falseMask), "false claim");
        // Wrong mask evaluation v_g.
        Assert.False(Ok(output.Proof, claim, output.MaskSum, output.MaskEvaluation + Fr.One), "v_g");
        // Wrong mask sum σ.
        Assert.False(Ok(output.Proof, claim, output.MaskSum + Fr.One, output.MaskEvaluation), "σ");
        // Another mask commitment, another domain, other labels, a wrong profile.
        var other = LibraMask.Sample(deg, new SeededRng(77));
        Assert.False(Ok(output.Proof, claim, output.MaskSum, output.MaskEvaluation, other), "commitment");
        Assert.False(Ok(output.Proof, claim, output.MaskSum, output.MaskEvaluation, domain: "other"), "domain");
        var relabelled = Verify(zeroCheck, claim, tau, deg, Commit(mask), output.MaskSum, output.Proof, output.MaskEvaluation,
            labels: new LibraLabels("a", "b", "c"));
        Assert.False(relabelled.Success && relabelled.CheckFinalValue(inst.Shape.Combine(inst.FactorValues(relabelled.Point)), out _), "labels");
        var shorter = (int[])deg.Clone();
        shorter[^1] = 2;
        var wrongProfile = Verify(zeroCheck, claim, tau, shorter, Commit(mask), output.MaskSum, output.Proof, output.MaskEvaluation);
        Assert.False(wrongProfile.Success);
        Assert.Contains("round 5 has 4 coefficients, expected 2", wrongProfile.Error);
        // A wrong final factor value (the caller's discharge).
        var res = Verify(zeroCheck, claim, tau, deg, Commit(mask), output.MaskSum, output.Proof, output.MaskEvaluation);
        var evals = (Fr[])output.FinalEvaluations.Clone();
        evals[0] += Fr.One;
        Assert.False(res.CheckFinalValue(inst.Shape.Combine(evals), out _));
    }

    // ρ′ as the verifier draws it (commitment bytes skipped when empty).
    private static Fr RhoAsVerifier(byte[] commitment, Fr claim, Fr sigma)
    {
        var t = new Transcript("masked");
        if (commitment.Length > 0) t.AppendBytes(LibraLabels.Default.Commitment, commitment);
        t.AppendScalar(SumcheckLabels.Claim, claim);
        t.AppendScalar(LibraLabels.Default.Sum, sigma);
        return t.ChallengeScalar(LibraLabels.Default.Rho);
    }

    /// <summary>
    /// Review session 14 step 5, finding 1: the F-side final check alone is worthless. A prover of a FALSE claim with an
    /// honestly committed mask picks v_g after seeing r so that e − ρ′·v_g = F(r); the verifier's replay and the final
    /// value both pass. Only the mask claim the result now carries (<see cref="MaskedSumcheckResult.MaskClaim"/>, handed
    /// back by <see cref="MaskedSumcheckResult.CheckFinalValue"/>) rejects it.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AForgedMaskEvaluationPassesTheFinalValueAndIsCaughtOnlyByTheMaskClaim(bool zeroCheck)
    {
        var rng = new Random(zeroCheck ? 61 : 62);
        int n = 4;
        var inst = RandomInstance(rng, n, 2, maskPattern: 0);
        var tau = RandomTau(rng, n, zeroCheck);
        var falseClaim = inst.HypercubeSum(zeroCheck ? tau : null) + Fr.FromInt64(77);
        var degrees = SumcheckProver.RoundDegrees(inst.Shape, n);
        var committed = LibraMask.Sample(degrees, new SeededRng(4));
        var commitment = Commit(committed);
        var run = SumcheckProver.ProveMaskedCore(new Transcript("masked"), inst.Shape, inst.Fresh(), zeroCheck ? tau : null, falseClaim, committed, commitment,
            null, null, null);
        var sigma = run.MaskSum;
        var rho = RhoAsVerifier(commitment, falseClaim, sigma);
        // The verifier's final running value e, then v_g chosen after r: (e − F(r))/ρ′.
        var probe = Verify(zeroCheck, falseClaim, tau, degrees, commitment, sigma, run.Proof, run.MaskEvaluation);
        Assert.True(probe.Success, probe.Error);
        var e = probe.ExpectedValue + rho * run.MaskEvaluation;
        var fAtR = inst.Shape.Combine(inst.FactorValues(probe.Point));
        Assert.NotEqual(e - rho * run.MaskEvaluation, fAtR); // honest v_g: the false claim fails at F
        var forgedVg = (e - fAtR) * rho.Inverse();
        var res = Verify(zeroCheck, falseClaim, tau, degrees, commitment, sigma, run.Proof, forgedVg);
        Assert.True(res.CheckFinalValue(fAtR, out var pending), "the rounds and F(r) pass with a v_g chosen after r");
        Assert.NotNull(pending);
        Assert.Equal(res.Point, pending!.Point);
        Assert.Equal(forgedVg, pending.Value);
        Assert.False(pending.HoldsFor(committed), "the mask claim must reject the forged v_g");
        Assert.False(Accepts(inst, zeroCheck, falseClaim, tau, degrees, committed, sigma, run.Proof, forgedVg));
        // On an honest proof the pending claim holds.
        var honestClaim = inst.HypercubeSum(zeroCheck ? tau : null);
        var honest = SumcheckProver.ProveMaskedCore(new Transcript("masked"), inst.Shape, inst.Fresh(), zeroCheck ? tau : null, honestClaim, new LibraMask(committed.Coefficients), commitment,
            null, null, null);
        var ok = Verify(zeroCheck, honestClaim, tau, degrees, commitment, honest.MaskSum, honest.Proof, honest.MaskEvaluation);
        Assert.True(ok.CheckFinalValue(inst.Shape.Combine(inst.FactorValues(ok.Point)), out var claim));
        Assert.True(claim!.HoldsFor(committed));
        Assert.False(claim.HoldsFor(LibraMask.Sample(degrees, new SeededRng(5))));
    }

    /// <summary>
    /// Review session 14 step 5, finding 3: a Libra mask must be fresh for every proof. Two proofs of the same witness
    /// with one mask (different transcripts, so different ρ′) reveal the unmasked first round: the mask's part M of
    /// round 1 depends on g only, so M = (msg_A − msg_B)/(ρ′_A − ρ′_B) and F's round 1 = msg_A − ρ′_A·M, which equals
    /// the unmasked prover's message. The prover now refuses a second use of one <see cref="LibraMask"/> instance.
    /// </summary>
    [Fact]
    public void AReusedMaskRevealsTheUnmaskedRoundAndASecondUseIsRefused()
    {
        var rng = new Random(65);
        int n = 4;
        var inst = RandomInstance(rng, n, 3, maskPattern: 0);
        var claim = inst.HypercubeSum(null);
        var mask = LibraMask.Sample(SumcheckProver.RoundDegrees(inst.Shape, n), new SeededRng(7));
        var commitment = Commit(mask);
        var a = SumcheckProver.ProveMasked(new Transcript("reuse-a"), inst.Shape, inst.Fresh(), claim, mask, commitment);
        var ex = Assert.Throws<SumcheckException>(() =>
            SumcheckProver.ProveMasked(new Transcript("reuse-b"), inst.Shape, inst.Fresh(), claim, mask, commitment));
        Assert.Contains("already used", ex.Message);
        // What the refusal prevents (a tracked-copy bypass, tests only):
        var b = SumcheckProver.ProveMasked(new Transcript("reuse-b"), inst.Shape, inst.Fresh(), claim, new LibraMask(mask.Coefficients), commitment);
        Fr Rho(string domain)
        {
            var t = new Transcript(domain);
            t.AppendBytes(LibraLabels.Default.Commitment, commitment);
            t.AppendScalar(SumcheckLabels.Claim, claim);
            t.AppendScalar(LibraLabels.Default.Sum, mask.Sum());
            return t.ChallengeScalar(LibraLabels.Default.Rho);
        }
        var (ra, rb) = (Rho("reuse-a"), Rho("reuse-b"));
        var inv = (ra - rb).Inverse();
        var recovered = a.Proof.Rounds[0].Zip(b.Proof.Rounds[0], (x, y) => x - ra * ((x - y) * inv)).ToArray();
        var unmasked = SumcheckProver.Prove(new Transcript("plain"), inst.Shape, inst.Fresh(), claim).Proof.Rounds[0];
        Assert.Equal(unmasked, recovered);
        // With fresh masks the same computation gives something else.
        var c = SumcheckProver.ProveMasked(new Transcript("reuse-b"), inst.Shape, inst.Fresh(), claim,
            LibraMask.Sample(SumcheckProver.RoundDegrees(inst.Shape, n), new SeededRng(8)), commitment);
        var notRecovered = a.Proof.Rounds[0].Zip(c.Proof.Rounds[0], (x, y) => x - ra * ((x - y) * inv)).ToArray();
        Assert.NotEqual(unmasked, notRecovered);
    }

    /// <summary>
    /// Review session 14 step 5, finding 2: the empty commitment ("absorbed earlier") is sound only if the mask really
    /// was bound before ρ′. A prover that commits its mask AFTER ρ′ (here: nothing absorbed at all) shifts Σg away from
    /// the absorbed σ by (claim − true sum)/ρ′ and proves a FALSE claim that passes every check, the mask claim
    /// included. Documents the caller's obligation (VerifyMasked's maskCommitment parameter, protocol.md).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AMaskNotBoundBeforeRhoForgesAnyClaim(bool zeroCheck)
    {
        var rng = new Random(zeroCheck ? 63 : 64);
        int n = 4;
        var inst = RandomInstance(rng, n, 2, maskPattern: 0);
        var tau = RandomTau(rng, n, zeroCheck);
        var trueClaim = inst.HypercubeSum(zeroCheck ? tau : null);
        var falseClaim = trueClaim + Fr.FromInt64(4242);
        var degrees = SumcheckProver.RoundDegrees(inst.Shape, n);
        var first = LibraMask.Sample(degrees, new SeededRng(6));
        var sigma = zeroCheck ? first.SumUnderEq(tau) : first.Sum();
        var rho = RhoAsVerifier([], falseClaim, sigma);
        var c = (falseClaim - trueClaim) * rho.Inverse() * (zeroCheck ? Fr.One : FieldPowers.InverseTwoTo(n));
        var rows = first.Coefficients.Select(r => (Fr[])r.Clone()).ToArray();
        rows[0][0] += c;
        var late = new LibraMask(rows); // "committed" now, after ρ′
        var forged = SumcheckProver.ProveMaskedCore(new Transcript("masked"), inst.Shape, inst.Fresh(), zeroCheck ? tau : null, falseClaim, late, [],
            null, null, announcedSum: sigma);
        var res = Verify(zeroCheck, falseClaim, tau, degrees, [], sigma, forged.Proof, forged.MaskEvaluation);
        Assert.True(res.CheckFinalValue(inst.Shape.Combine(inst.FactorValues(res.Point)), out var pending), res.Error);
        Assert.True(pending!.HoldsFor(late), "a mask bound after ρ′ forges a false claim through every check");
        // Bound before ρ′ (its commitment absorbed), the same mask changes ρ′ and the forgery fails.
        Assert.False(Accepts(inst, zeroCheck, falseClaim, tau, degrees, late, sigma, forged.Proof, forged.MaskEvaluation));
    }

    /// <summary>
    /// Why v_g must be discharged on the commitment: a prover with a FALSE claim c + δ announces the committed mask's
    /// σ, then — after seeing ρ′ — runs the rounds with another mask g″ with Σ g″ = σ + δ/ρ′. Every round check and
    /// the F check pass; only the weighted claim g(r) = v_g on the committed mask rejects.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MaskSwappedAfterRhoIsCaughtByTheMaskClaim(bool zeroCheck)
    {
        var rng = new Random(zeroCheck ? 51 : 52);
        int n = 5;
        var inst = RandomInstance(rng, n, 2, maskPattern: 1);
        var tau = RandomTau(rng, n, zeroCheck);
        var trueClaim = inst.HypercubeSum(zeroCheck ? tau : null);
        var falseClaim = trueClaim + Fr.FromInt64(1234);
        var degrees = SumcheckProver.RoundDegrees(inst.Shape, n, inst.MaskedIndices);
        var committed = LibraMask.Sample(degrees, new SeededRng(3));
        var sigma = zeroCheck ? committed.SumUnderEq(tau) : committed.Sum();
        var commitment = Commit(committed);
        // ρ′ as the verifier will draw it.
        var t = new Transcript("masked");
        t.AppendBytes(LibraLabels.Default.Commitment, commitment);
        t.AppendScalar(SumcheckLabels.Claim, falseClaim);
        t.AppendScalar(LibraLabels.Default.Sum, sigma);
        var rho = t.ChallengeScalar(LibraLabels.Default.Rho);
        // g″ = g + c on g_1's constant: plain Σ grows by 2^n·c, eq-weighted Σ by c.
        var delta = falseClaim - trueClaim;
        var c = delta * rho.Inverse() * (zeroCheck ? Fr.One : FieldPowers.InverseTwoTo(n));
        var rows = committed.Coefficients.Select(r => (Fr[])r.Clone()).ToArray();
        rows[0][0] += c;
        var swapped = new LibraMask(rows);
        var forged = SumcheckProver.ProveMaskedCore(new Transcript("masked"), inst.Shape, inst.Fresh(), zeroCheck ? tau : null, falseClaim, swapped, commitment,
            inst.Masks, null, announcedSum: sigma);
        var res = Verify(zeroCheck, falseClaim, tau, degrees, commitment, sigma, forged.Proof, forged.MaskEvaluation);
        Assert.True(res.Success, res.Error);
        Assert.True(res.CheckFinalValue(inst.Shape.Combine(inst.FactorValues(res.Point)), out _), "the rounds and F pass");
        Assert.NotEqual(forged.MaskEvaluation, WeightedClaim(committed, res.Point));
        Assert.False(Accepts(inst, zeroCheck, falseClaim, tau, degrees, committed, sigma, forged.Proof, forged.MaskEvaluation));
        // The same forgery without the swap (σ announced, rounds on the committed mask) fails at F.
        var honestMask = SumcheckProver.ProveMaskedCore(new Transcript("masked"), inst.Shape, inst.Fresh(), zeroCheck ? tau : null, falseClaim, committed, commitment,
            inst.Masks, null, announcedSum: sigma);
        Assert.False(Accepts(inst, zeroCheck, falseClaim, tau, degrees, committed, sigma, honestMask.Proof, honestMask.MaskEvaluation));
    }

    [Fact]
    public void MisuseIsRefusedWithAReason()
    {
        var rng = new Random(61);
        var inst = RandomInstance(rng, 4, 2, maskPattern: 3);
        var claim = inst.HypercubeSum(null);
        var low = LibraMask.Sample([2, 2, 2, 2], new SeededRng(1)); // last round needs 4
        var ex = Assert.Throws<SumcheckException>(() =>
            SumcheckProver.ProveMasked(new Transcript("m"), inst.Shape, inst.Fresh(), claim, low, [], inst.Masks));
        Assert.Contains("round 3 has degree 2, the polynomial needs 4", ex.Message);
        var shortMask = LibraMask.Sample([2, 2, 4], new SeededRng(1));
        Assert.Throws<SumcheckException>(() => SumcheckProver.ProveMasked(new Transcript("m"), inst.Shape, inst.Fresh(), claim, shortMask, [], inst.Masks));
        Assert.Throws<SumcheckException>(() => SumcheckProver.ProveMasked(new Transcript("m"), inst.Shape, inst.Fresh(), claim, low, [], [null]));
        Assert.Throws<ArgumentException>(() => SumcheckVerifier.VerifyMasked(new Transcript("m"), claim, [], [], Fr.Zero, null, Fr.Zero));
        Assert.Throws<ArgumentException>(() => SumcheckVerifier.VerifyMasked(new Transcript("m"), claim, [2, 8], [], Fr.Zero, null, Fr.Zero));
        Assert.False(SumcheckVerifier.VerifyMasked(new Transcript("m"), claim, [2, 2], [], Fr.Zero, null, Fr.Zero).Success);
        Assert.Throws<ArgumentException>(() => LibraMask.Sample([0], new SeededRng(1)));
        Assert.False(SumcheckProof.TryParse(new byte[32 * 5], [2, 2], out _, out var err));
        Assert.Contains("expected 128", err);
    }

    // ---------------------------------------------------------------- Lemma L (statistical)

    // Two witnesses with the same sum (plain) or eq-weighted sum (zero-check): B is random with one entry of P2 moved
    // so that the sums agree (F = c·P0·P1 + P2 is linear in P2).
    private static (Instance A, Instance B, Fr Claim, Fr[] Tau) TwoWitnesses(bool zeroCheck, int n)
    {
        var rng = new Random(zeroCheck ? 71 : 72);
        var shape = new ProductSum(3, [new ProductTerm(Fr.Random(rng), [0, 1]), new ProductTerm(Fr.One, [2])]);
        var tau = RandomTau(rng, n, zeroCheck);
        Instance Make() => new(shape, [RandomTable(rng, n), RandomTable(rng, n), RandomTable(rng, n)], n, new VanishingMask?[3]);
        var a = Make();
        var b = Make();
        var claim = a.HypercubeSum(zeroCheck ? tau : null);
        var gap = claim - b.HypercubeSum(zeroCheck ? tau : null);
        b.Tables[2][0] += zeroCheck ? gap * Eq.Table(tau)[0].Inverse() : gap;
        Assert.Equal(claim, b.HypercubeSum(zeroCheck ? tau : null));
        Assert.NotEqual(a.Tables[2], b.Tables[2]);
        return (a, b, claim, tau);
    }

    // One bucket per (round, coefficient): the low 3 bits of the canonical element.
    private static int[] Buckets(SumcheckProof p) => p.Rounds.SelectMany(r => r.Select(e => e.ToBytesBigEndian()[31] & 7)).ToArray();

    /// <summary>
    /// Lemma L (docs/zk-design.md §7.2), checked numerically: for two witnesses with the same sum, the round messages
    /// of the masked prover (Fiat–Shamir, so the whole transcript) have the same distribution — a chi-square
    /// homogeneity test on the low 3 bits of every message element stays below its 10⁻⁶ quantile — and a
    /// distinguisher that knows both witnesses and compares round 1 with each candidate's unmasked round polynomial
    /// wins 50 % ± 15 % of 200 games. Both statistics fail (chi-square far above the quantile, the distinguisher
    /// wins every game) against the unmasked prover on the same witnesses: the test has teeth.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LemmaL_RoundMessagesDoNotDependOnTheWitness(bool zeroCheck)
    {
        const int n = 4, samples = 300, games = 200;
        var (a, b, claim, tau) = TwoWitnesses(zeroCheck, n);
        var masked = new[] { a, b }.Select((inst, w) => Enumerable.Range(0, samples)
            .Select(s => Buckets(Prove(inst, tau, claim, zeroCheck, seed: 100_000 * (w + 1) + s, domain: "lemma-l").Output.Proof)).ToList()).ToArray();
        SumcheckProof Unmasked(Instance inst) => zeroCheck
            ? SumcheckProver.ProveZeroCheck(new Transcript("lemma-l"), inst.Shape, inst.Fresh(), tau, claim).Proof
            : SumcheckProver.Prove(new Transcript("lemma-l"), inst.Shape, inst.Fresh(), claim).Proof;
        var plain = new[] { a, b }.Select(inst => Enumerable.Repeat(Buckets(Unmasked(inst)), samples).ToList()).ToArray();

        var (chiMasked, df) = ChiSquare.Homogeneity(masked[0], masked[1]);
        var (chiPlain, dfPlain) = ChiSquare.Homogeneity(plain[0], plain[1]);
        Assert.True(chiMasked < ChiSquare.Threshold(df), $"masked: χ² = {chiMasked:F1} ≥ {ChiSquare.Threshold(df):F1} (df {df})");
        Assert.True(chiPlain > ChiSquare.Threshold(dfPlain), $"unmasked: χ² = {chiPlain:F1} ≤ {ChiSquare.Threshold(dfPlain):F1} (df {dfPlain}): the statistic cannot fail");

        // Distinguishing game on round 1: guess the candidate whose unmasked round-1 message is closer (fewer differing
        // elements; ties broken by the low bit of the message's hash).
        var candidates = new[] { Unmasked(a).Rounds[0], Unmasked(b).Rounds[0] };
        int Guess(Fr[] msg)
        {
            int Diff(Fr[] cand) => msg.Zip(cand).Count(p => p.First != p.Second);
            int d0 = Diff(candidates[0]), d1 = Diff(candidates[1]);
            if (d0 != d1) return d0 < d1 ? 0 : 1;
            return SHA256.HashData(msg[0].ToBytesBigEndian())[0] & 1;
        }
        var coin = new Random(99);
        int winsMasked = 0, winsPlain = 0;
        for (int g = 0; g < games; g++)
        {
            int bit = coin.Next(2);
            var inst = bit == 0 ? a : b;
            if (Guess(Prove(inst, tau, claim, zeroCheck, seed: 500_000 + g, domain: "lemma-l").Output.Proof.Rounds[0]) == bit) winsMasked++;
            if (Guess(Unmasked(inst).Rounds[0]) == bit) winsPlain++;
        }
        log.WriteLine($"{(zeroCheck ? "zero-check" : "plain")}: masked χ² = {chiMasked:F1}, unmasked χ² = {chiPlain:F1}, 1e-6 quantile {ChiSquare.Threshold(df):F1} (df {df}); " +
            $"distinguisher wins masked {winsMasked}/{games}, unmasked {winsPlain}/{games}");
        Assert.InRange(winsMasked, games * 35 / 100, games * 65 / 100);
        Assert.True(winsPlain >= games * 95 / 100, $"unmasked: the distinguisher won only {winsPlain}/{games}");
    }

    /// <summary>
    /// Lemmas L and M together on one sumcheck: with every factor carrying a fresh affine vanishing mask (the
    /// design's item masks) the WHOLE output — σ, the rounds, the masked final values and v_g — has one distribution
    /// for two witnesses with the same sum (χ² as above). A distinguisher that knows both witnesses and compares the
    /// final values with P̃_k(r) of each candidate wins every game against the Libra mask alone (the final values are
    /// then plain evaluations of the witness) and 50 % ± 15 % with the factor masks.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LemmaLM_TheWholeOutputDoesNotDependOnTheWitness(bool zeroCheck)
    {
        const int n = 4, samples = 300, games = 200;
        var (a, b, claim, tau) = TwoWitnesses(zeroCheck, n);
        Instance WithMasks(Instance inst, int seed)
        {
            var rng = new SeededRng(seed);
            return inst with { Masks = Enumerable.Range(0, 3).Select(_ => (VanishingMask?)VanishingMask.Affine(0, LibraMask.UniformScalar(rng), LibraMask.UniformScalar(rng))).ToArray() };
        }
        int[] Everything(MaskedSumcheckProverOutput o) =>
            [.. Buckets(new SumcheckProof([[o.MaskSum], .. o.Proof.Rounds, o.FinalEvaluations, [o.MaskEvaluation]]))];
        var masked = new[] { a, b }.Select((inst, w) => Enumerable.Range(0, samples)
            .Select(s => Everything(Prove(WithMasks(inst, 7 * s + w), tau, claim, zeroCheck, seed: 300_000 * (w + 1) + s, domain: "lemma-lm").Output)).ToList()).ToArray();
        var (chi, df) = ChiSquare.Homogeneity(masked[0], masked[1]);
        Assert.True(chi < ChiSquare.Threshold(df), $"masked: χ² = {chi:F1} ≥ {ChiSquare.Threshold(df):F1} (df {df})");

        int Guess(MaskedSumcheckProverOutput o)
        {
            bool Matches(Instance cand) => cand.Tables.Select(t => DenseMle.Evaluate(t, o.Point)).SequenceEqual(o.FinalEvaluations);
            if (Matches(a) != Matches(b)) return Matches(a) ? 0 : 1;
            return SHA256.HashData(o.FinalEvaluations[0].ToBytesBigEndian())[0] & 1;
        }
        var coin = new Random(98);
        int winsLibraOnly = 0, winsFull = 0;
        for (int g = 0; g < games; g++)
        {
            int bit = coin.Next(2);
            var inst = bit == 0 ? a : b;
            if (Guess(Prove(inst, tau, claim, zeroCheck, seed: 700_000 + g, domain: "lemma-lm").Output) == bit) winsLibraOnly++;
            if (Guess(Prove(WithMasks(inst, 900_000 + g), tau, claim, zeroCheck, seed: 800_000 + g, domain: "lemma-lm").Output) == bit) winsFull++;
        }
        log.WriteLine($"{(zeroCheck ? "zero-check" : "plain")}: whole output χ² = {chi:F1}, 1e-6 quantile {ChiSquare.Threshold(df):F1} (df {df}); " +
            $"final-value distinguisher wins {winsLibraOnly}/{games} without factor masks, {winsFull}/{games} with them");
        Assert.True(winsLibraOnly >= games * 95 / 100, $"without factor masks the distinguisher won only {winsLibraOnly}/{games}");
        Assert.InRange(winsFull, games * 35 / 100, games * 65 / 100);
    }
}
