using ZkMl.Algebra;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Transcripts;

using Instance = ZkMl.Proofs.Tests.LogUpInstance;

namespace ZkMl.Proofs.Tests;

public class LogUpTests
{
    private static Transcript NewTranscript()
    {
        var t = new Transcript("zkml-logup-test");
        t.AppendScalar("prefix", Fr.FromInt64(7)); // stands in for the caller's commitments
        return t;
    }

    /// <summary>A random table of 2^m distinct small values and a witness of 2^n lookups into it (with repeats).</summary>
    private static (Fr[] F, Fr[] T) RandomLookup(Random rng, int n, int m)
    {
        var t = new Fr[1 << m];
        var used = new HashSet<long>();
        for (int j = 0; j < t.Length; j++)
        {
            long v;
            do v = rng.NextInt64(-100_000, 100_000); while (!used.Add(v));
            t[j] = Fr.FromInt64(v);
        }
        // Repeated lookups: draw from a small subset half of the time.
        var f = new Fr[1 << n];
        for (int i = 0; i < f.Length; i++) f[i] = t[rng.Next(2) == 0 ? rng.Next(Math.Min(3, t.Length)) : rng.Next(t.Length)];
        return (f, t);
    }

    private static Instance Build(Fr[] f, Fr[] t, Fr[] m, Fr alpha)
    {
        var (hw, ht) = LogUpProver.ComputeHelpers(f, t, m, alpha);
        return new Instance(f, t, m, hw, ht, alpha);
    }

    private static Instance Honest(int seed, int n, int m)
    {
        var rng = new Random(seed);
        var (f, t) = RandomLookup(rng, n, m);
        return Build(f, t, LogUpProver.Multiplicities(f, t), Fr.Random(rng));
    }

    private static LogUpProverOutput Prove(Instance x, bool check = true) =>
        LogUpProver.ProveCore(NewTranscript(), x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha, check);

    private static LogUpResult Verify(Instance x, LogUpProof? proof) =>
        LogUpVerifier.Verify(NewTranscript(), x.Alpha, x.N, x.Mv, proof);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 3)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 5)]
    [InlineData(5, 2)]
    [InlineData(7, 7)]
    [InlineData(9, 10)]
    [InlineData(12, 4)]
    [InlineData(12, 10)]
    public void HonestProofVerifiesAndClaimsHold(int n, int m)
    {
        var x = Honest(1000 + 31 * n + m, n, m);
        var pt = NewTranscript();
        var output = LogUpProver.Prove(pt, x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha);
        var vt = NewTranscript();
        var result = LogUpVerifier.Verify(vt, x.Alpha, n, m, output.Proof);
        Assert.True(result.Success, result.Error);
        Assert.Equal(7, result.Claims.Count);
        Assert.True(x.ClaimsHold(result.Claims));
        Assert.Equal(pt.State, vt.State); // prover and verifier end at the same transcript state
        for (int k = 0; k < 7; k++)
        {
            Assert.Equal(output.Claims[k].Polynomial, result.Claims[k].Polynomial);
            Assert.Equal(output.Claims[k].Point, result.Claims[k].Point);
            Assert.Equal(output.Claims[k].Value, result.Claims[k].Value);
        }
        // The ½-point claims encode the sums: 2^n·h_w(½…½) = Σ h_w.
        Assert.Equal(DenseMle.Sum(x.Hw), result.Claims[0].Value * Fr.FromInt64(1L << n));
        Assert.Equal(DenseMle.Sum(x.Ht), result.Claims[1].Value * Fr.FromInt64(1L << m));
    }

    // τ is one challenge and its repeated squares (docs/protocol.md "LogUp"): one transcript step, nothing for N = 0.
    [Fact]
    public void TauIsOneChallengeAndItsSquares()
    {
        var t = NewTranscript();
        var replay = NewTranscript();
        var tau = LogUpVerifier.DrawTau(t, 5);
        var t1 = replay.ChallengeScalar(LogUpLabels.Tau);
        Assert.Equal(replay.State, t.State);
        Assert.Equal(t1, tau[0]);
        for (int i = 1; i < 5; i++) Assert.Equal(tau[i - 1] * tau[i - 1], tau[i]);
        var before = t.State;
        Assert.Empty(LogUpVerifier.DrawTau(t, 0));
        Assert.Equal(before, t.State);
    }

    [Fact]
    public void ProofBytesRoundTrip()
    {
        var x = Honest(5, 4, 3);
        var proof = Prove(x).Proof;
        var bytes = proof.ToBytes();
        Assert.Equal(LogUpProof.EncodedLength(4, 3), bytes.Length);
        Assert.Equal(32 * (1 + 8 + 5), bytes.Length); // one zero-check over max(4, 3) variables
        Assert.True(LogUpProof.TryParse(bytes, 4, 3, out var parsed, out var err), err);
        Assert.Equal(bytes, parsed!.ToBytes());
        Assert.True(Verify(x, parsed).Success);

        Assert.False(LogUpProof.TryParse(bytes.AsSpan(1), 4, 3, out _, out err));
        Assert.Contains("bytes", err);
        // Same length, the sizes swapped (witness 2^3, table 2^4; sizes come from the key, not the proof):
        // it parses, and the claims it yields are not the honest ones (other vectors, other points).
        Assert.True(LogUpProof.TryParse(bytes, 3, 4, out var resplit, out _));
        var swapped = LogUpVerifier.Verify(NewTranscript(), x.Alpha, 3, 4, resplit);
        var honestClaims = Verify(x, parsed).Claims;
        Assert.True(!swapped.Success || swapped.Claims[2].Point.Length != honestClaims[2].Point.Length);
        var bad = (byte[])bytes.Clone();
        for (int i = 0; i < 32; i++) bad[32 * 9 + i] = 0xFF; // h_w(r_w) ≥ r
        Assert.False(LogUpProof.TryParse(bad, 4, 3, out _, out err));
        Assert.Contains("h_w(r_w)", err);
        Assert.False(LogUpProof.TryParse(bytes, -1, 3, out _, out _));
    }

    [Fact]
    public void WitnessValueNotInTableIsRejected()
    {
        var rng = new Random(11);
        var (f, t) = RandomLookup(rng, 6, 5);
        var m = LogUpProver.Multiplicities(f, t);
        f[17] = Fr.FromInt64(1_000_000); // not in the table (table values are in ±100000)
        Assert.Throws<LogUpException>(() => LogUpProver.Multiplicities(f, t));
        var x = Build(f, t, m, Fr.Random(rng));
        Assert.Throws<LogUpException>(() => Prove(x));
        // Forced: the proof verifies structurally but the sum claims are false.
        var output = Prove(x, check: false);
        var result = Verify(x, output.Proof);
        Assert.True(result.Success, result.Error);
        Assert.False(x.ClaimsHold(result.Claims));
        Assert.NotEqual(DenseMle.Sum(x.Ht), result.Claims[1].Value * Fr.FromInt64(1 << 5));
    }

    [Fact]
    public void WrongMultiplicitiesAreRejected()
    {
        var rng = new Random(12);
        var (f, t) = RandomLookup(rng, 5, 4);
        var m = LogUpProver.Multiplicities(f, t);
        var alpha = Fr.Random(rng);

        // (a) helpers consistent with the wrong multiplicities: the sums differ.
        var wrong = (Fr[])m.Clone();
        wrong[3] += Fr.One;
        var x = Build(f, t, wrong, alpha);
        Assert.Throws<LogUpException>(() => Prove(x));
        var r1 = Verify(x, Prove(x, check: false).Proof);
        Assert.True(!r1.Success || !x.ClaimsHold(r1.Claims));

        // (b) h_t from the true multiplicities, but the committed m is wrong: the table zero-check fails.
        var honest = Build(f, t, m, alpha);
        var y = honest with { M = wrong };
        var r2 = Verify(y, Prove(y).Proof);
        Assert.False(r2.Success);
        Assert.Contains("zero-check", r2.Error);

        // (c) a wrong witness helper entry: the witness zero-check fails.
        var hw = (Fr[])honest.Hw.Clone();
        hw[0] += Fr.One;
        hw[1] -= Fr.One; // keeps Σ h_w, so only the zero-check can catch it
        var z = honest with { Hw = hw };
        var r3 = Verify(z, Prove(z).Proof);
        Assert.False(r3.Success);
        Assert.Contains("zero-check", r3.Error);
    }

    [Fact]
    public void EveryMutatedProofElementIsRejectedOrYieldsFalseClaims()
    {
        var x = Honest(13, 4, 3);
        var bytes = Prove(x).Proof.ToBytes();
        for (int e = 0; e < bytes.Length / 32; e++)
        {
            var bad = (byte[])bytes.Clone();
            var v = Fr.FromBytesBigEndian(bad.AsSpan(32 * e, 32)) + Fr.One;
            v.WriteBigEndian(bad.AsSpan(32 * e, 32));
            Assert.True(LogUpProof.TryParse(bad, 4, 3, out var proof, out var err), err);
            var result = Verify(x, proof);
            Assert.True(!result.Success || !x.ClaimsHold(result.Claims), $"mutating element {e} was not detected");
        }
    }

    [Fact]
    public void VerifierIsStatelessAndNeverThrowsOnMalformedProofs()
    {
        var x = Honest(14, 3, 2);
        var p = Prove(x).Proof;
        Assert.False(Verify(x, null).Success);
        var shortRound = p with { ZeroCheck = new Sumcheck.SumcheckProof(p.ZeroCheck.Rounds[..2]) };
        Assert.False(Verify(x, shortRound).Success);
        var nullRounds = p with { ZeroCheck = new Sumcheck.SumcheckProof(null!) };
        Assert.False(Verify(x, nullRounds).Success);
        var wrongDegree = p with { ZeroCheck = new Sumcheck.SumcheckProof([.. p.ZeroCheck.Rounds.Select(r => new Fr[] { r[0] })]) };
        Assert.False(Verify(x, wrongDegree).Success);
        // Wrong sizes given to the verifier.
        Assert.False(LogUpVerifier.Verify(NewTranscript(), x.Alpha, 2, 2, p).Success);
        // Wrong α.
        var r = LogUpVerifier.Verify(NewTranscript(), x.Alpha + Fr.One, 3, 2, p);
        Assert.False(r.Success);
        // Still fine afterwards.
        Assert.True(Verify(x, p).Success);
    }

    [Fact]
    public void DifferentTranscriptHistoryOrLabelOrderFails()
    {
        var x = Honest(15, 5, 4);
        var pt = new Transcript("zkml-logup-test");
        pt.AppendScalar("a", Fr.One);
        pt.AppendScalar("b", Fr.FromInt64(2));
        var proof = LogUpProver.Prove(pt, x.F, x.T, x.M, x.Hw, x.Ht, x.Alpha).Proof;

        var same = new Transcript("zkml-logup-test");
        same.AppendScalar("a", Fr.One);
        same.AppendScalar("b", Fr.FromInt64(2));
        Assert.True(LogUpVerifier.Verify(same, x.Alpha, 5, 4, proof).Success);

        var swapped = new Transcript("zkml-logup-test");
        swapped.AppendScalar("b", Fr.FromInt64(2));
        swapped.AppendScalar("a", Fr.One);
        var r = LogUpVerifier.Verify(swapped, x.Alpha, 5, 4, proof);
        Assert.True(!r.Success || !x.ClaimsHold(r.Claims));
        Assert.False(r.Success);
    }

    [Fact]
    public void MultiplicitiesCountAtFirstOccurrence()
    {
        Fr[] t = [5, 7, 5, 9];
        Fr[] f = [5, 5, 9, 7, 5, 9, 9, 9];
        var m = LogUpProver.Multiplicities(f, t);
        Assert.Equal(new Fr[] { 3, 1, 0, 4 }, m);
    }

    [Fact]
    public void HelperErrorsAreClear()
    {
        Fr[] t = [1, 2];
        Fr[] f = [1, 2];
        var m = LogUpProver.Multiplicities(f, t);
        var ex = Assert.Throws<LogUpException>(() => LogUpProver.ComputeHelpers(f, t, m, Fr.FromInt64(2)));
        Assert.Contains("α equals witness entry 1", ex.Message);
        Assert.Throws<ArgumentException>(() => LogUpProver.ComputeHelpers([1, 2, 3], t, m, Fr.FromInt64(9)));
        Assert.Throws<LogUpException>(() => LogUpProver.ComputeHelpers(f, t, [1], Fr.FromInt64(9)));
    }
}
