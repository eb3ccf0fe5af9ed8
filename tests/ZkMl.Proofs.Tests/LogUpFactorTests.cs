using ZkMl.Algebra;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The default LogUp prover on ±1-coefficient factors at their own lengths (<c>LogUpProver.ProveOwned</c>, session 24) against
/// the algorithm it replaced, kept here as <see cref="ReferenceProve"/>: CombinedShape's coefficients on DenseMle.Tiled copies
/// through the dense <see cref="SumcheckProver.ProveZeroCheck"/>. Proof bytes, claims and the transcript after the proof must be
/// equal for honest and false statements, on sizes below and above the parallel threshold, n &lt; m, n &gt; m and N = 0,
/// through the read-only entry and the consuming entry; <see cref="The_zero_check_on_lambda_zero_matches_the_reference"/> covers λ = 0.
/// </summary>
public class LogUpFactorTests
{
    private static Transcript NewTranscript()
    {
        var t = new Transcript("zkml-logup-factor-test");
        t.AppendScalar("prefix", Fr.FromInt64(11));
        return t;
    }

    /// <summary>The pre-session-24 default LogUp prover (test-only reference; same transcript steps).</summary>
    internal static LogUpProverOutput ReferenceProve(Transcript transcript, Fr[] witness, Fr[] table, Fr[] multiplicities, Fr[] witnessHelper, Fr[] tableHelper, Fr alpha)
    {
        var sum = DenseMle.Sum(witnessHelper);
        int n = Parallelism.Log2Exact(witness.Length, "w");
        int m = Parallelism.Log2Exact(table.Length, "t");
        transcript.AppendScalar(LogUpLabels.Sum, sum);
        var lambda = transcript.ChallengeScalar(LogUpLabels.Lambda);
        int nn = Math.Max(n, m);
        var tau = LogUpVerifier.DrawTau(transcript, nn);
        var zc = SumcheckProver.ProveZeroCheck(transcript, LogUpProver.CombinedShape(alpha, lambda),
            [DenseMle.Tiled(tableHelper, nn), DenseMle.Tiled(table, nn), DenseMle.Tiled(multiplicities, nn), DenseMle.Tiled(witnessHelper, nn), DenseMle.Tiled(witness, nn)], tau, Fr.Zero);
        var e = zc.FinalEvaluations;
        var proof = new LogUpProof(sum, zc.Proof, e[3], e[4], e[0], e[1], e[2]);
        transcript.AppendScalars(LogUpLabels.Evals, proof.FinalValues);
        return new LogUpProverOutput(proof, LogUpVerifier.BuildClaims(proof, n, m, zc.Point[(nn - n)..], zc.Point[(nn - m)..]));
    }

    private static (Fr[] F, Fr[] T, Fr[] M, Fr[] Hw, Fr[] Ht, Fr Alpha) Instance(int seed, int n, int m, bool honest)
    {
        var rng = new Random(seed);
        var t = Enumerable.Range(0, 1 << m).Select(j => Fr.FromInt64(3 * j - 1000)).ToArray();
        if (m >= 2) t[^1] = t[0]; // a repeated table value (its multiplicity is counted at the first occurrence)
        var f = Enumerable.Range(0, 1 << n).Select(_ => t[rng.Next(t.Length)]).ToArray();
        // zero tail: the last quarter of f repeats one value (the padding filler of the inference witness)
        for (int i = f.Length - f.Length / 4; i < f.Length; i++) f[i] = t[0];
        var mult = LogUpProver.Multiplicities(f, t);
        var alpha = Fr.Random(rng);
        var (hw, ht) = LogUpProver.ComputeHelpers(f, t, mult, alpha);
        if (!honest)
        {
            // a false statement: a helper entry off and a multiplicity off (only a prover with checkSums = false gets here)
            hw[rng.Next(hw.Length)] += Fr.One;
            mult[rng.Next(mult.Length)] += Fr.One;
        }
        return (f, t, mult, hw, ht, alpha);
    }

    public static TheoryData<int, int, bool> Sizes()
    {
        var d = new TheoryData<int, int, bool>();
        foreach (var (n, m) in new[] { (0, 0), (0, 3), (1, 0), (1, 1), (3, 5), (5, 2), (7, 7), (12, 4), (14, 6), (15, 15), (4, 14), (16, 12) })
            foreach (var honest in new[] { true, false })
                d.Add(n, m, honest);
        return d;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_factor_prover_gives_the_reference_proof(int n, int m, bool honest)
    {
        var x = Instance(100 * n + m + (honest ? 0 : 7), n, m, honest);
        var rt = NewTranscript();
        var reference = ReferenceProve(rt, x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha);
        var after = rt.ChallengeScalar("after");
        var refBytes = reference.Proof.ToBytes();

        foreach (bool consuming in new[] { false, true })
        {
            var copies = new[] { x.F, x.T, x.M, x.Hw, x.Ht }.Select(a => (Fr[])a.Clone()).ToArray();
            var t = NewTranscript();
            var o = consuming
                ? LogUpProver.ProveConsuming(t, copies[0], copies[1], copies[2], copies[3], copies[4], x.Alpha, checkSums: honest)
                : LogUpProver.ProveCore(t, copies[0], copies[1], copies[2], copies[3], copies[4], x.Alpha, checkSums: honest);
            Assert.Equal(refBytes, o.Proof.ToBytes());
            Assert.Equal(after, t.ChallengeScalar("after"));
            Assert.Equal(reference.Claims.Count, o.Claims.Count);
            for (int k = 0; k < o.Claims.Count; k++)
            {
                Assert.Equal(reference.Claims[k].Polynomial, o.Claims[k].Polynomial);
                Assert.Equal(reference.Claims[k].Point, o.Claims[k].Point);
                Assert.Equal(reference.Claims[k].Value, o.Claims[k].Value);
            }
            if (!consuming) // the read-only entry never writes its inputs
                Assert.Equal(new[] { x.F, x.T, x.M, x.Hw, x.Ht }, copies);
        }

        var verdict = LogUpVerifier.Verify(NewTranscript(), x.Alpha, n, m, reference.Proof);
        if (honest) Assert.True(verdict.Success, verdict.Error);
        else Assert.True(!verdict.Success || !verdict.Claims.All(c => DenseMle.Evaluate(
            c.Polynomial switch
            {
                LogUpPolynomial.Witness => x.F, LogUpPolynomial.Table => x.T, LogUpPolynomial.Multiplicities => x.M,
                LogUpPolynomial.WitnessHelper => x.Hw, _ => x.Ht,
            }, c.Point) == c.Value));
    }

    [Fact]
    public void The_comparison_sees_one_changed_entry()
    {
        // Teeth: the byte comparison above is not vacuous — one table entry changed (its helper recomputed) changes the proof.
        var x = Instance(5, 9, 6, honest: true);
        var a = LogUpProver.ProveCore(NewTranscript(), x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha, checkSums: false).Proof.ToBytes();
        var t2 = (Fr[])x.T.Clone();
        t2[5] += Fr.One;
        var (_, ht2) = LogUpProver.ComputeHelpers(x.F, t2, x.M, x.Alpha);
        var b = LogUpProver.ProveCore(NewTranscript(), x.F, t2, x.M, x.Hw, ht2, x.Alpha, checkSums: false).Proof.ToBytes();
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(14)]
    public void The_tiled_zero_check_gives_the_proof_of_materialised_copies(int n)
    {
        var rng = new Random(40 + n);
        int[] vars = [n, Math.Max(0, n - 1), rng.Next(n + 1), 0, Math.Max(0, n - 3)];
        var tables = vars.Select(v => Enumerable.Range(0, 1 << v).Select(_ => Fr.Random(rng)).ToArray()).ToArray();
        var shape = new ProductSum(5,
        [
            new ProductTerm(Fr.One, [0, 1]),
            new ProductTerm(-Fr.One, [2]),
            new ProductTerm(Fr.Random(rng), [3, 4]),
            new ProductTerm(-Fr.One, [4, 1]),
            new ProductTerm(Fr.Random(rng), []),
        ]);
        foreach (bool zeroTau in new[] { false, true })
        {
            var tau = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
            if (zeroTau && n > 1) { tau[0] = Fr.Zero; tau[^1] = Fr.Zero; }
            var claim = Fr.Random(rng); // any claim: both provers must send the same messages for it
            var td = new Transcript("tiled-zc");
            var dense = SumcheckProver.ProveZeroCheck(td, shape, tables.Select(t => DenseMle.Tiled(t, n)).ToList(), tau, claim);
            var tt = new Transcript("tiled-zc");
            var tiled = SumcheckProver.ProveZeroCheckTiled(tt, shape, tables.Select(t => new DenseMle((Fr[])t.Clone())).ToList(), tau, claim);
            Assert.Equal(dense.Proof.ToBytes(), tiled.Proof.ToBytes());
            Assert.Equal(dense.Point, tiled.Point);
            Assert.Equal(dense.FinalEvaluations, tiled.FinalEvaluations);
            Assert.Equal(td.ChallengeScalar("after"), tt.ChallengeScalar("after"));
        }
    }

    [Fact]
    public void Helpers_name_the_first_entry_equal_to_alpha()
    {
        var t = Enumerable.Range(0, 16).Select(j => Fr.FromInt64(j)).ToArray();
        var f = Enumerable.Range(0, 1 << 15).Select(i => t[i % 16]).ToArray();
        var m = LogUpProver.Multiplicities(f, t);
        var e = Assert.Throws<LogUpException>(() => LogUpProver.ComputeHelpers(f, t, m, Fr.FromInt64(3)));
        Assert.Contains("witness entry 3;", e.Message);
        // α equal to a table value no lookup uses: the table entry is named.
        var f2 = Enumerable.Range(0, 1 << 14).Select(i => t[i % 8]).ToArray();
        var e2 = Assert.Throws<LogUpException>(() => LogUpProver.ComputeHelpers(f2, t, LogUpProver.Multiplicities(f2, t), Fr.FromInt64(11)));
        Assert.Contains("table entry 11;", e2.Message);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 3)]
    [InlineData(9, 4)]
    [InlineData(14, 5)]
    [InlineData(3, 8)]
    public void The_zero_check_on_lambda_zero_matches_the_reference(int n, int m)
    {
        // λ = 0 cannot be drawn on purpose from the transcript: the zero-check is called with it (and with a random λ, and with
        // τ = 0, the other degenerate challenge) against the dense zero-check of CombinedShape on tiled copies.
        var x = Instance(77 + n, n, m, honest: false);
        var rng = new Random(n * 31 + m);
        int nn = Math.Max(n, m);
        foreach (var lambda in new[] { Fr.Zero, Fr.Random(rng), Fr.One })
            foreach (bool zeroTau in new[] { false, true })
            {
                var tau = Enumerable.Range(0, nn).Select(_ => zeroTau ? Fr.Zero : Fr.Random(rng)).ToArray();
                var td = new Transcript("lz");
                var dense = SumcheckProver.ProveZeroCheck(td, LogUpProver.CombinedShape(x.Alpha, lambda),
                    [DenseMle.Tiled(x.Ht, nn), DenseMle.Tiled(x.T, nn), DenseMle.Tiled(x.M, nn), DenseMle.Tiled(x.Hw, nn), DenseMle.Tiled(x.F, nn)], tau, Fr.Zero);
                var tf = new Transcript("lz");
                var (zc, finals) = LogUpProver.FactorZeroCheck(tf, (Fr[])x.F.Clone(), (Fr[])x.T.Clone(), (Fr[])x.M.Clone(), (Fr[])x.Hw.Clone(), (Fr[])x.Ht.Clone(),
                    x.Alpha, lambda, tau);
                Assert.Equal(dense.Proof.ToBytes(), zc.Proof.ToBytes());
                Assert.Equal(dense.Point, zc.Point);
                Assert.Equal(dense.FinalEvaluations, finals);
                Assert.Equal(td.ChallengeScalar("after"), tf.ChallengeScalar("after"));
            }
    }
}
