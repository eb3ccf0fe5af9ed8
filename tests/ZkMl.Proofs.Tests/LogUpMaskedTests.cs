using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;
using Xunit.Abstractions;
using ZkMl.TestKit;

using Instance = ZkMl.Proofs.Tests.LogUpInstance;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The zero-knowledge LogUp (docs/zk-design.md §5.3; docs/protocol.md "LogUp", ZK mode): no announced sum, a Libra-masked
/// zero-check whose last round reaches degree 4 when ĥ_w·f̂ (or ĥ_t·t̂) are both masked, the sum relation as a claim.
/// </summary>
public class LogUpMaskedTests(ITestOutputHelper log)
{
    private static readonly LogUpPolynomial[] All =
        [LogUpPolynomial.WitnessHelper, LogUpPolynomial.Witness, LogUpPolynomial.TableHelper, LogUpPolynomial.Table, LogUpPolynomial.Multiplicities];

    private static Transcript NewTranscript()
    {
        var t = new Transcript("zkml-logup-zk-test");
        t.AppendScalar("prefix", Fr.FromInt64(7)); // stands in for the caller's commitments
        return t;
    }

    private static Instance Honest(int seed, int n, int m, bool missing = false)
    {
        var rng = new Random(seed);
        var t = new Fr[1 << m];
        var used = new HashSet<long>();
        for (int j = 0; j < t.Length; j++)
        {
            long v;
            do v = rng.NextInt64(-100_000, 100_000); while (!used.Add(v));
            t[j] = Fr.FromInt64(v);
        }
        var f = new Fr[1 << n];
        for (int i = 0; i < f.Length; i++) f[i] = t[rng.Next(2) == 0 ? rng.Next(Math.Min(3, t.Length)) : rng.Next(t.Length)];
        var mult = LogUpProver.Multiplicities(f, t);
        if (missing) f[f.Length / 2] = Fr.FromInt64(1_000_000); // not in the table; the multiplicities stay
        var alpha = Fr.Random(rng);
        var (hw, ht) = LogUpProver.ComputeHelpers(f, t, mult, alpha);
        return new Instance(f, t, mult, hw, ht, alpha);
    }

    // Vanishing masks whose selector is a coordinate of the polynomial's own side (the last k of N coordinates).
    private static Dictionary<LogUpPolynomial, VanishingMask> Masks(Random rng, Instance x, IEnumerable<LogUpPolynomial> which)
    {
        int nn = Math.Max(x.N, x.Mv);
        var d = new Dictionary<LogUpPolynomial, VanishingMask>();
        foreach (var p in which)
        {
            int k = p is LogUpPolynomial.Witness or LogUpPolynomial.WitnessHelper ? x.N : x.Mv;
            d[p] = k >= 2 ? VanishingMask.Affine(nn - k, Fr.Random(rng), Fr.Random(rng)) : new VanishingMask(_ => Fr.FromInt64(3));
        }
        return d;
    }

    private static byte[] Commit(LibraMask mask) => SHA256.HashData(mask.ToTable().SelectMany(e => e.ToBytesBigEndian()).ToArray());

    // Every check the caller does after the verifier: the five (masked) evaluation claims against the committed
    // vectors and the masks, the sum relation on the committed helpers, and v_g on the committed Libra mask.
    private static bool Discharges(Instance x, LogUpMaskedResult res, IReadOnlyDictionary<LogUpPolynomial, VanishingMask> masks, LibraMask committed)
    {
        if (!res.Success) return false;
        foreach (var c in res.Claims)
        {
            var v = DenseMle.Evaluate(x.Vector(c.Polynomial), c.Point);
            if (masks.TryGetValue(c.Polynomial, out var mu)) v = mu.Apply(v, res.Point);
            if (v != c.Value) return false;
        }
        var s = res.SumClaim!;
        if (s.WitnessWeight * DenseMle.Evaluate(x.Hw, s.WitnessPoint) + s.TableWeight * DenseMle.Evaluate(x.Ht, s.TablePoint) != s.Value) return false;
        // The mask claim the result carries (review session 14 step 5, finding 1), as the weighted claim on the table.
        var claim = res.MaskClaim!;
        if (!claim.Point.SequenceEqual(res.Point) || claim.Value != res.MaskEvaluation) return false;
        return claim.HoldsFor(committed) && committed.Evaluate(res.Point) == res.MaskEvaluation;
    }

    private static (LogUpMaskedProverOutput Output, LibraMask Mask, byte[] Commitment, int[] Degrees) Prove(Instance x, IReadOnlyDictionary<LogUpPolynomial, VanishingMask> masks,
        int seed, bool checkSums = true)
    {
        var degrees = LogUpProver.MaskedDegrees(x.N, x.Mv, masks.Keys.ToArray());
        var mask = LibraMask.Sample(degrees, new SeededRng(seed));
        var commitment = Commit(mask);
        var output = LogUpProver.ProveMaskedCore(NewTranscript(), x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha, mask, commitment, masks, checkSums);
        return (output, mask, commitment, degrees);
    }

    public static TheoryData<int, int, int> Cases()
    {
        var d = new TheoryData<int, int, int>();
        foreach (var (n, m) in new[] { (1, 1), (0, 3), (3, 5), (5, 2), (4, 4), (9, 6) })
            for (int which = 0; which < 3; which++)
                if (n >= 1 || which == 0) d.Add(n, m, which);
        return d;
    }

    private static LogUpPolynomial[] Which(int which) => which switch
    {
        0 => [],
        1 => [LogUpPolynomial.WitnessHelper, LogUpPolynomial.Witness],
        _ => All,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void HonestProofVerifiesAndEveryClaimHolds(int n, int m, int which)
    {
        var x = Honest(100 * n + 10 * m + which, n, m);
        var masks = Masks(new Random(n + m), x, Which(which));
        var (output, mask, commitment, degrees) = Prove(x, masks, seed: 5);
        Assert.Equal(which == 0 ? 2 : 4, degrees[^1]);
        Assert.All(degrees[..^1], d => Assert.Equal(2, d));

        var bytes = output.Proof.ToBytes();
        Assert.Equal(LogUpMaskedProof.EncodedLength(degrees), bytes.Length);
        Assert.True(LogUpMaskedProof.TryParse(bytes, degrees, out var parsed, out var err), err);
        Assert.Equal(bytes, parsed!.ToBytes());

        var res = LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, masks.Keys.ToArray(), commitment, parsed);
        Assert.True(res.Success, res.Error);
        Assert.True(Discharges(x, res, masks, mask));
        Assert.Equal(output.Point, res.Point);
        Assert.Equal(output.Claims.Select(c => c.Value), res.Claims.Select(c => c.Value));
        // The sum S = Σ h_w is not in the proof (it is a symmetric function of the looked-up multiset, zk-design §3 #4);
        // with a single witness entry (n = 0) h_w(r_w) IS the sum, which is why the design masks h_w.
        var s = DenseMle.Sum(x.Hw).ToBytesBigEndian();
        if (n >= 1) Assert.DoesNotContain(Enumerable.Range(0, bytes.Length / 32), i => bytes.AsSpan(32 * i, 32).SequenceEqual(s));
    }

    [Fact]
    public void ProverAndVerifierEndAtTheSameTranscriptState()
    {
        var x = Honest(3, 5, 4);
        var masks = Masks(new Random(3), x, All);
        var degrees = LogUpProver.MaskedDegrees(x.N, x.Mv, All);
        var mask = LibraMask.Sample(degrees, new SeededRng(1));
        var pt = NewTranscript();
        var output = LogUpProver.ProveMasked(pt, x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha, mask, [], masks);
        var vt = NewTranscript();
        var res = LogUpVerifier.VerifyMasked(vt, x.Alpha, x.N, x.Mv, All, [], output.Proof);
        Assert.True(Discharges(x, res, masks, mask));
        Assert.Equal(pt.State, vt.State);
    }

    /// <summary>The transcript order of docs/protocol.md "LogUp → ZK mode (in progress)", replayed with raw steps.</summary>
    [Fact]
    public void TranscriptFollowsTheDocumentedOrder()
    {
        var x = Honest(4, 3, 5);
        var masks = Masks(new Random(4), x, All);
        var (output, _, commitment, _) = Prove(x, masks, seed: 6);
        var pt = NewTranscript();
        var again = LogUpProver.ProveMasked(pt, x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha,
            LibraMask.Sample(LogUpProver.MaskedDegrees(x.N, x.Mv, All), new SeededRng(6)), commitment, masks);
        Assert.Equal(output.Proof.ToBytes(), again.Proof.ToBytes());

        var r = NewTranscript();
        r.ChallengeScalar("logup_lambda");
        r.ChallengeScalars("logup_tau", 5);
        r.AppendBytes("logup_mask_com", commitment);
        r.AppendScalar("sumcheck_claim", Fr.Zero);
        r.AppendScalar("logup_mask_sum", output.Proof.MaskSum);
        r.ChallengeScalar("logup_rho");
        foreach (var round in output.Proof.ZeroCheck.Rounds)
        {
            r.AppendScalars("sumcheck_round", round);
            r.ChallengeScalar("sumcheck_r");
        }
        r.AppendScalars("logup_evals", [.. output.Proof.FinalValues, output.Proof.MaskEval]);
        Assert.Equal(pt.State, r.State);
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(5, 3)]
    public void EveryTamperedElementIsRejected(int n, int m)
    {
        var x = Honest(7 * n + m, n, m);
        var masks = Masks(new Random(9), x, All);
        var (output, mask, commitment, degrees) = Prove(x, masks, seed: 8);
        var bytes = output.Proof.ToBytes();
        bool Accepts(byte[] b, Fr alpha, byte[]? com = null)
        {
            if (!LogUpMaskedProof.TryParse(b, degrees, out var p, out _)) return false;
            var res = LogUpVerifier.VerifyMasked(NewTranscript(), alpha, n, m, masks.Keys.ToArray(), com ?? commitment, p);
            return Discharges(x with { Alpha = alpha }, res, masks, mask);
        }
        Assert.True(Accepts(bytes, x.Alpha));
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            var bad = (byte[])bytes.Clone();
            bad[32 * i + 31] ^= 1;
            Assert.False(Accepts(bad, x.Alpha), $"element {i}");
        }
        Assert.False(Accepts(bytes, x.Alpha + Fr.One), "α");
        Assert.False(Accepts(bytes, x.Alpha, Commit(LibraMask.Sample(degrees, new SeededRng(99)))), "another mask commitment");
        // Unmasked verification of a masked proof: a different profile, rejected.
        var unmasked = LogUpProver.MaskedDegrees(n, m);
        Assert.False(LogUpMaskedProof.TryParse(bytes, unmasked, out _, out var err));
        Assert.Contains("bytes", err);
    }

    [Fact]
    public void AWitnessValueMissingFromTheTableIsRejected()
    {
        var x = Honest(21, 6, 5, missing: true);
        var masks = Masks(new Random(21), x, All);
        Assert.Throws<LogUpException>(() => Prove(x, masks, seed: 2));
        var (output, mask, commitment, _) = Prove(x, masks, seed: 2, checkSums: false);
        var res = LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, x.N, x.Mv, masks.Keys.ToArray(), commitment, output.Proof);
        Assert.True(res.Success, res.Error); // the zero-checks hold (the helpers are the true inverses) …
        Assert.False(Discharges(x, res, masks, mask)); // … but Σ h_w ≠ Σ h_t: the sum relation fails
        var s = res.SumClaim!;
        Assert.NotEqual(s.Value, s.WitnessWeight * DenseMle.Evaluate(x.Hw, s.WitnessPoint) + s.TableWeight * DenseMle.Evaluate(x.Ht, s.TablePoint));
    }

    [Fact]
    public void AWrongHelperEntryIsRejected()
    {
        // h_w wrong at one entry with the sum kept (another entry compensates): the zero-check catches it.
        var x = Honest(31, 5, 4);
        var hw = (Fr[])x.Hw.Clone();
        hw[3] += Fr.One;
        hw[4] -= Fr.One;
        var y = x with { Hw = hw };
        var masks = Masks(new Random(31), y, All);
        var (output, mask, commitment, _) = Prove(y, masks, seed: 4);
        var res = LogUpVerifier.VerifyMasked(NewTranscript(), y.Alpha, y.N, y.Mv, masks.Keys.ToArray(), commitment, output.Proof);
        Assert.False(Discharges(y, res, masks, mask));
    }

    /// <summary>
    /// Lemmas L and M together on the LogUp alone: two different valid lookups into the same table (same α), every
    /// polynomial masked — the whole proof (σ, rounds, the five masked values, v_g) has one distribution. χ² homogeneity
    /// of the low 3 bits of every proof element over 300 proofs each stays below the 10⁻⁶ quantile; against the default
    /// LogUp (deterministic, S in the clear) the same statistic fails.
    /// </summary>
    [Fact]
    public void ProofDistributionDoesNotDependOnTheLookup()
    {
        const int samples = 300;
        var a = Honest(61, 4, 3);
        var rng = new Random(62);
        var fb = Enumerable.Range(0, a.F.Length).Select(_ => a.T[rng.Next(a.T.Length)]).ToArray();
        var mb = LogUpProver.Multiplicities(fb, a.T);
        var (hwb, htb) = LogUpProver.ComputeHelpers(fb, a.T, mb, a.Alpha);
        var b = new Instance(fb, a.T, mb, hwb, htb, a.Alpha);
        Assert.NotEqual(a.F, b.F);

        List<int[]> MaskedSamples(Instance x, int salt) => Enumerable.Range(0, samples).Select(i =>
        {
            var r = new Random(salt + i);
            var masks = All.ToDictionary(p => p, p =>
            {
                int k = p is LogUpPolynomial.Witness or LogUpPolynomial.WitnessHelper ? x.N : x.Mv;
                return VanishingMask.Affine(4 - k, LibraMask.UniformScalar(new SeededRng(salt + 7 * i + (int)p)), Fr.Random(r));
            });
            return Buckets(Prove(x, masks, seed: salt + i).Output.Proof.ToBytes());
        }).ToList();
        List<int[]> PlainSamples(Instance x) =>
            Enumerable.Repeat(Buckets(LogUpProver.Prove(NewTranscript(), x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha).Proof.ToBytes()), samples).ToList();

        var (chi, df) = ChiSquare.Homogeneity(MaskedSamples(a, 1_000), MaskedSamples(b, 2_000));
        var (chiPlain, dfPlain) = ChiSquare.Homogeneity(PlainSamples(a), PlainSamples(b));
        log.WriteLine($"ZK LogUp χ² = {chi:F1}, default LogUp χ² = {chiPlain:F1}, 1e-6 quantile {ChiSquare.Threshold(df):F1} (df {df})");
        Assert.True(chi < ChiSquare.Threshold(df), $"ZK LogUp: χ² = {chi:F1} ≥ {ChiSquare.Threshold(df):F1} (df {df})");
        Assert.True(chiPlain > ChiSquare.Threshold(dfPlain), $"default LogUp: χ² = {chiPlain:F1} ≤ {ChiSquare.Threshold(dfPlain):F1}: the statistic cannot fail");
    }

    private static int[] Buckets(byte[] proof) => Enumerable.Range(0, proof.Length / 32).Select(i => proof[32 * i + 31] & 7).ToArray();

    // An input side (docs/protocol.md "LogUp" → "ZK mode", input side): f_in drawn from the table, h_in = 1/(α − f_in), the
    // multiplicities counting both segments. Returns the instance, f_in and h_in.
    private static (Instance X, Fr[] Fin, Fr[] Hin) WithInputSide(int seed, int n, int m, int nIn, bool missing)
    {
        var rng = new Random(seed);
        var x = Honest(seed, n, m);
        var fin = new Fr[1 << nIn];
        for (int i = 0; i < fin.Length; i++) fin[i] = x.T[rng.Next(x.T.Length)];
        var mult = LogUpProver.Multiplicities([.. x.F, .. fin], x.T);
        if (missing) fin[fin.Length - 1] = Fr.FromInt64(2_000_000); // in no entry; not counted
        var (hw, ht) = LogUpProver.ComputeHelpers(x.F, x.T, mult, x.Alpha);
        var hin = fin.Select(v => (x.Alpha - v).Inverse()).ToArray();
        return (new Instance(x.F, x.T, mult, hw, ht, x.Alpha), fin, hin);
    }

    [Theory]
    [InlineData(3, 4, 2)]
    [InlineData(2, 3, 5)]
    public void AnInputSideVerifiesAndAValueMissingFromTheTableFailsOnlyTheSumRelation(int n, int m, int nIn)
    {
        foreach (bool missing in new[] { false, true })
        {
            var (x, fin, hin) = WithInputSide(40 + nIn, n, m, nIn, missing);
            LogUpPolynomial[] which = [.. All, LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness];
            var rng = new Random(7);
            int nn = Math.Max(Math.Max(n, m), nIn);
            var masks = Masks(rng, x, All);
            masks[LogUpPolynomial.InputHelper] = VanishingMask.Affine(nn - nIn, Fr.Random(rng), Fr.Random(rng));
            masks[LogUpPolynomial.InputWitness] = VanishingMask.Affine(nn - nIn, Fr.Random(rng), Fr.Random(rng));
            var degrees = LogUpProver.MaskedDegrees(n, m, which, nIn);
            Assert.Equal(nn, degrees.Length);
            Assert.Equal(4, degrees[^1]);
            var mask = LibraMask.Sample(degrees, new SeededRng(9));
            var output = LogUpProver.ProveMaskedCore(NewTranscript(), x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha, mask, [], masks, checkSums: !missing, new LogUpInputSide(fin, hin));
            var bytes = output.Proof.ToBytes();
            Assert.Equal(LogUpMaskedProof.EncodedLength(degrees, inputSide: true), bytes.Length);
            Assert.True(LogUpMaskedProof.TryParse(bytes, degrees, inputSide: true, out var parsed, out var err), err);
            Assert.False(LogUpMaskedProof.TryParse(bytes, degrees, out _, out _)); // the two layouts differ in length
            var res = LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, which, [], parsed, nIn);
            Assert.True(res.Success, res.Error); // the zero-checks hold either way: h_in = 1/(α − f_in)
            Assert.Equal(7, res.Claims.Count);
            foreach (var c in res.Claims)
            {
                var vec = c.Polynomial switch { LogUpPolynomial.InputHelper => hin, LogUpPolynomial.InputWitness => fin, _ => x.Vector(c.Polynomial) };
                Assert.Equal(masks[c.Polynomial].Apply(DenseMle.Evaluate(vec, c.Point), res.Point), c.Value);
            }
            var s = res.SumClaim!;
            var sum = s.WitnessWeight * DenseMle.Evaluate(x.Hw, s.WitnessPoint) + s.InputWeight * DenseMle.Evaluate(hin, s.InputPoint!)
                + s.TableWeight * DenseMle.Evaluate(x.Ht, s.TablePoint);
            Assert.Equal(!missing, sum == s.Value);
            // without the input side's term the relation fails for the honest prover too: the term is needed
            if (!missing) Assert.NotEqual(s.Value, s.WitnessWeight * DenseMle.Evaluate(x.Hw, s.WitnessPoint) + s.TableWeight * DenseMle.Evaluate(x.Ht, s.TablePoint));
            // a verifier without the input side (or with another n_in) rejects the proof
            Assert.False(LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, All, [], parsed).Success);
            // a changed ĥ_in or f̂_in fails the final check
            foreach (int k in new[] { 0, 1 })
            {
                var ev = (Fr[])parsed!.InputEvals!.Clone();
                ev[k] += Fr.One;
                Assert.False(LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, which, [], parsed with { InputEvals = ev }, nIn).Success);
            }
        }
    }

    /// <summary>
    /// A selected input side (docs/protocol.md "ZK mode: the column-major private input", (2)): only the prefix sel = 1 is looked
    /// up; h_in = sel/(α − f_in) is 0 on the rest, whose f_in may hold any value (here one in no table entry), and the
    /// multiplicities count the prefix only. The verifier takes s̃el(r_in); without the selector (sel = 1) or with a wrong
    /// s̃el the final check fails, and a non-zero h_in on an unselected entry fails it too.
    /// </summary>
    [Theory]
    [InlineData(3, 4, 3, 5)]
    [InlineData(2, 3, 5, 20)]
    public void A_selected_input_side_looks_up_only_its_prefix(int n, int m, int nIn, int prefix)
    {
        var rng = new Random(50 + nIn);
        var x = Honest(60 + nIn, n, m);
        var fin = new Fr[1 << nIn];
        var sel = new Fr[fin.Length];
        for (int i = 0; i < fin.Length; i++)
        {
            sel[i] = i < prefix ? Fr.One : Fr.Zero;
            fin[i] = i < prefix ? x.T[rng.Next(x.T.Length)] : Fr.FromInt64(3_000_000 + i); // unselected: in no entry
        }
        var mult = LogUpProver.Multiplicities([.. x.F, .. fin.AsSpan(0, prefix)], x.T);
        var (hw, ht) = LogUpProver.ComputeHelpers(x.F, x.T, mult, x.Alpha);
        var hin = fin.Select((v, i) => i < prefix ? (x.Alpha - v).Inverse() : Fr.Zero).ToArray();
        LogUpPolynomial[] which = [.. All, LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness];
        int nn = Math.Max(Math.Max(n, m), nIn);
        var inst = new Instance(x.F, x.T, mult, hw, ht, x.Alpha);
        var mrng = new Random(8);
        var masks = Masks(mrng, inst, All);
        masks[LogUpPolynomial.InputHelper] = VanishingMask.Affine(nn - nIn, Fr.Random(mrng), Fr.Random(mrng));
        masks[LogUpPolynomial.InputWitness] = VanishingMask.Affine(nn - nIn, Fr.Random(mrng), Fr.Random(mrng));
        var degrees = LogUpProver.MaskedDegrees(n, m, which, nIn);
        Fr SelAt(Fr[] r) => DenseMle.Evaluate(sel, r);
        LogUpMaskedProof Prove(Fr[] h) => LogUpProver.ProveMaskedCore(NewTranscript(), x.F, x.T, mult, hw, ht, x.Alpha, LibraMask.Sample(degrees, new SeededRng(10)), [], masks,
            checkSums: false, new LogUpInputSide(fin, h, sel)).Proof;
        var proof = Prove(hin);
        var res = LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, which, [], proof, nIn, SelAt);
        Assert.True(res.Success, res.Error);
        var sc = res.SumClaim!;
        Assert.Equal(sc.Value, sc.WitnessWeight * DenseMle.Evaluate(hw, sc.WitnessPoint) + sc.InputWeight * DenseMle.Evaluate(hin, sc.InputPoint!)
            + sc.TableWeight * DenseMle.Evaluate(ht, sc.TablePoint));
        foreach (var c in res.Claims.Where(c => c.Polynomial is LogUpPolynomial.InputHelper or LogUpPolynomial.InputWitness))
            Assert.Equal(masks[c.Polynomial].Apply(DenseMle.Evaluate(c.Polynomial == LogUpPolynomial.InputHelper ? hin : fin, c.Point), res.Point), c.Value);
        Assert.False(LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, which, [], proof, nIn).Success); // sel = 1
        Assert.False(LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, which, [], proof, nIn, r => SelAt(r) + Fr.One).Success);
        // h_in non-zero on an unselected entry: the zero-check's h_in·(α − f_in) = sel fails there
        var bad = (Fr[])hin.Clone();
        bad[^1] = Fr.One;
        Assert.False(LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, which, [], Prove(bad), nIn, SelAt).Success);
    }

    /// <summary>
    /// The prover's two factor layouts and two selector forms give the same bytes: the plain factors (h_t, t, m, h_w, f, …; the
    /// λ = 0 path) and the ±1-coefficient ones (α − t, λ·h_w, α − f, λ²·h_in, α − f_in, masks transformed with them), and the
    /// selector as a dense table or as its MLE in closed form (never folded), copying or consuming the caller's vectors — without
    /// an input side, with sel = 1, and with a selected prefix, including the input side longer than, equal to and shorter than
    /// the other two. The bytes verify; the consuming prover leaves m, h_t and h_in as they were.
    /// </summary>
    [Theory]
    [InlineData(3, 4, -1, 0)]
    [InlineData(3, 4, 2, 4)]
    [InlineData(2, 3, 5, 20)]
    [InlineData(4, 2, 4, 11)]
    [InlineData(5, 3, 5, 32)]
    public void Every_prover_layout_gives_the_same_proof(int n, int m, int nIn, int prefix)
    {
        var rng = new Random(70 + n + nIn);
        var x = Honest(80 + nIn, n, m);
        Fr[] fin = [], sel = [];
        Fr[] mult = x.M;
        if (nIn >= 0)
        {
            fin = new Fr[1 << nIn];
            sel = new Fr[fin.Length];
            for (int i = 0; i < fin.Length; i++)
            {
                sel[i] = i < prefix ? Fr.One : Fr.Zero;
                fin[i] = i < prefix ? x.T[rng.Next(x.T.Length)] : Fr.FromInt64(3_000_000 + i);
            }
            mult = LogUpProver.Multiplicities([.. x.F, .. fin.AsSpan(0, prefix)], x.T);
        }
        var (hw, ht) = LogUpProver.ComputeHelpers(x.F, x.T, mult, x.Alpha);
        var hin = fin.Select((v, i) => i < prefix ? (x.Alpha - v).Inverse() : Fr.Zero).ToArray();
        LogUpPolynomial[] which = nIn < 0 ? All : [.. All, LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness];
        int nn = Math.Max(Math.Max(n, m), nIn);
        var mrng = new Random(11);
        var masks = Masks(mrng, new Instance(x.F, x.T, mult, hw, ht, x.Alpha), All);
        if (nIn >= 0)
        {
            masks[LogUpPolynomial.InputHelper] = VanishingMask.Affine(nn - nIn, Fr.Random(mrng), Fr.Random(mrng));
            masks[LogUpPolynomial.InputWitness] = VanishingMask.Affine(nn - nIn, Fr.Random(mrng), Fr.Random(mrng));
        }
        var degrees = LogUpProver.MaskedDegrees(n, m, which, nIn);
        Fr SelAt(Fr[] r) => DenseMle.Evaluate(sel, r);
        byte[] Prove(LogUpInputSide? side, bool plain, bool consuming = false)
        {
            LogUpProver.PlainFactorsForTests.Value = plain;
            try
            {
                var lm = LibraMask.Sample(degrees, new SeededRng(12));
                if (!consuming)
                    return LogUpProver.ProveMaskedCore(NewTranscript(), x.F, x.T, mult, hw, ht, x.Alpha, lm, [], masks, checkSums: true, side).Proof.ToBytes();
                // the consuming prover may overwrite f, t, h_w and f_in; it must not write m, h_t or h_in
                var (m0, ht0, hin0) = ((Fr[])mult.Clone(), (Fr[])ht.Clone(), (Fr[])hin.Clone());
                var own = side is null ? null : side with { Witness = (Fr[])side.Witness.Clone() };
                var b = LogUpProver.ProveMaskedConsuming(NewTranscript(), (Fr[])x.F.Clone(), (Fr[])x.T.Clone(), mult, (Fr[])hw.Clone(), ht, x.Alpha, lm, [], masks,
                    checkSums: true, own).Proof.ToBytes();
                Assert.Equal(m0, mult);
                Assert.Equal(ht0, ht);
                Assert.Equal(hin0, hin);
                return b;
            }
            finally { LogUpProver.PlainFactorsForTests.Value = false; }
        }
        var sides = nIn < 0
            ? new LogUpInputSide?[] { null }
            : prefix == fin.Length
                ? [new LogUpInputSide(fin, hin), new LogUpInputSide(fin, hin, sel), new LogUpInputSide(fin, hin, SelectorMle: SelAt)]
                : [new LogUpInputSide(fin, hin, sel), new LogUpInputSide(fin, hin, SelectorMle: SelAt)];
        var reference = Prove(sides[0], plain: true);
        foreach (var side in sides)
            foreach (bool plain in new[] { true, false })
                foreach (bool consuming in new[] { false, true })
                    Assert.Equal(reference, Prove(side, plain, consuming));
        Assert.True(LogUpMaskedProof.TryParse(reference, degrees, inputSide: nIn >= 0, out var parsed, out var err), err);
        var res = LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, n, m, which, [], parsed, nIn, nIn < 0 || prefix == fin.Length ? null : SelAt);
        Assert.True(res.Success, res.Error);
        foreach (var c in res.Claims)
        {
            var vec = c.Polynomial switch
            {
                LogUpPolynomial.InputHelper => hin, LogUpPolynomial.InputWitness => fin, LogUpPolynomial.WitnessHelper => hw, LogUpPolynomial.TableHelper => ht,
                LogUpPolynomial.Multiplicities => mult, _ => x.Vector(c.Polynomial),
            };
            Assert.Equal(masks[c.Polynomial].Apply(DenseMle.Evaluate(vec, c.Point), res.Point), c.Value);
        }
        Assert.Throws<LogUpException>(() => Prove(new LogUpInputSide(nIn < 0 ? [Fr.One] : fin, nIn < 0 ? [Fr.One] : hin, nIn < 0 ? [Fr.One] : sel, SelAt), plain: false));
    }

    /// <summary>
    /// The degree rule of the masked zero-check, over every subset of the seven polynomials: max(n, m[, n_in]) rounds of
    /// degree 2, the last round max(2, deg(ĥ_t·t̂), deg(ĥ_w·f̂)[, deg(ĥ_in·f̂_in)]) with deg(P̂·Q̂) = 2 + [P masked] + [Q masked].
    /// The two-argument profile is that of a LogUp without an input side, where h_in and f_in are no factors: listing them
    /// changes nothing (the "silently ignored" input-side polynomials of the review note), and it equals the four-argument
    /// profile at n_in = −1. The inference proof takes the four-argument profile whenever its key has the input range check
    /// (<c>ZkShape.LuDegrees</c>), so no degree bound is loosened or tightened by that overload.
    /// </summary>
    [Fact]
    public void TheDegreeProfileFollowsTheMaskedPairsWithAndWithoutAnInputSide()
    {
        LogUpPolynomial[] seven = [.. All, LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness];
        for (int subset = 0; subset < 1 << seven.Length; subset++)
        {
            var masked = seven.Where((_, i) => (subset >> i & 1) == 1).ToArray();
            int Pair(LogUpPolynomial a, LogUpPolynomial b) => 2 + (masked.Contains(a) ? 1 : 0) + (masked.Contains(b) ? 1 : 0);
            int without = Math.Max(2, Math.Max(Pair(LogUpPolynomial.TableHelper, LogUpPolynomial.Table), Pair(LogUpPolynomial.WitnessHelper, LogUpPolynomial.Witness)));
            int with = Math.Max(without, Pair(LogUpPolynomial.InputHelper, LogUpPolynomial.InputWitness));
            foreach (var (n, m) in new[] { (0, 1), (2, 1), (1, 3), (3, 3) })
            {
                var two = LogUpProver.MaskedDegrees(n, m, masked);
                Assert.Equal(Enumerable.Repeat(2, Math.Max(n, m) - 1).Append(without), two);
                Assert.Equal(two, LogUpProver.MaskedDegrees(n, m, masked, -1));
                Assert.Equal(two, LogUpProver.MaskedDegrees(n, m, masked.Where(p => Array.IndexOf(All, p) >= 0).ToArray()));
                foreach (int nIn in new[] { 0, 2, 5 })
                {
                    var four = LogUpProver.MaskedDegrees(n, m, masked, nIn);
                    Assert.Equal(Enumerable.Repeat(2, Math.Max(Math.Max(n, m), nIn) - 1).Append(with), four);
                }
            }
        }
    }

    [Fact]
    public void MisuseIsRefused()
    {
        Assert.Throws<ArgumentException>(() => LogUpProver.MaskedDegrees(0, 0));
        var x = Honest(41, 3, 3);
        var wrong = LibraMask.Sample([2, 2], new SeededRng(1));
        Assert.Throws<SumcheckException>(() => LogUpProver.ProveMasked(NewTranscript(), x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha, wrong, []));
        Assert.False(LogUpVerifier.VerifyMasked(NewTranscript(), x.Alpha, 3, 3, null, [], null).Success);
    }
}
