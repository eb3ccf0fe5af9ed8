using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.TestKit;

namespace ZkMl.Inference.Tests;

/// <summary>
/// The input range check of private inputs (docs/zk-design.md §6, §10.8; docs/protocol.md "ZK mode: the input range check"):
/// the committed X′ has every entry in ±InputBound (and zeros in the padded columns), proven by an input side of the LogUp.
/// Completeness (tiny, mlp3, MNIST at B = 1 and B = 2), every proof element changed, wrong outputs and other commitments,
/// an out-of-range input refused by the honest prover, and the contrast that shows the check has teeth: a prover forced to
/// commit an out-of-range input is rejected with the check on and accepted with it off.
/// </summary>
public class ZkInputRangeCheckTests
{
    private static readonly ZkSettings On = ZkSettings.PrivateInputs();
    private static readonly ZkSettings Off = ZkSettings.PrivateInputs(rangeCheck: false);

    private static ZkSetup Setup(Circuit c, int seed, int maxBatch = 4)
        => InferenceSetup.RunZk(c, InferenceFixtures.Srs, maxBatch, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(seed));

    private static (Circuit C, ZkSetup Z, long[][] X) Tiny(ZkSettings zk, int seed)
    {
        var c = CircuitCompiler.Compile(InferenceFixtures.Tiny(), InferenceFixtures.TinyInputs(), new CompileOptions { Zk = zk });
        return (c, Setup(c, seed), InferenceFixtures.TinyInputs().Select(s => c.QuantizeInput(s)).ToArray());
    }

    private static readonly Lazy<(Circuit C, ZkSetup Z, long[][] X)> TinyOn = new(() => Tiny(On, 141));

    private static readonly Lazy<(Circuit C, ZkSetup Z, long[][] X)> TinyOff = new(() => Tiny(Off, 142));

    /// <summary>mlp3: 16 → 16 → 16 → 4 (three matmul layers, equal hidden widths), the check on.</summary>
    private static readonly Lazy<(Circuit C, ZkSetup Z, long[][] X)> Mlp3 = new(() =>
    {
        var net = InferenceFixtures.Random(77, [16, 16, 16, 4], [Activation.Relu, Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(78, 12, 16);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = On });
        return (c, Setup(c, 143), samples.Select(s => c.QuantizeInput(s)).ToArray());
    });

    private static PrivateInputProof Prove(ZkSetup z, long[][] x, int seed, InputCommitment? com = null, InputOpening? open = null)
        => InferenceProver.ProvePrivate(z.ProvingKey, x, com, open, new ProverTimings(), new SeededRng(seed));

    private static InferenceProof Reframe(VerifyingKey vk, InferenceProof p, int batch, G1Affine cx, long[] y)
        => InferenceProof.FromParts(p.VkDigest, PublicIO.CreatePrivate(vk, batch, cx, y).Words, p.ProofBytes, p.Flags);

    private static int BatchVars(int batch) => System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch));

    [Fact]
    public void A_fresh_commitments_value_sums_serve_W3_in_every_attempt_and_for_an_all_zero_input()
    {
        var (_, z, _) = TinyOn.Value;
        var vk = z.VerifyingKey;
        int rowWidth = 1 << vk.Layers[0].InVars;
        // a sparse input (three distinct non-zero values): the fresh commitment's per-value sums are made (InputValueSums)
        var rows = new[] { Enumerable.Range(0, vk.InputSize).Select(i => i % 3 == 0 ? (long)(i % 5) - 2 : 0L).ToArray() };
        Assert.NotNull(InputValueSums.Compute(z.ProvingKey.Srs, InputCommitment.Layout(rows, rowWidth, vk.InputSize)));
        // two attempts rejected after W3 is committed: the third reuses the same sums
        int attempts = 0;
        var made = InferenceProver.ProvePrivate(z.ProvingKey, rows, null, null, new ProverTimings(), new SeededRng(73), a => { attempts = a + 1; return a < 2; });
        Assert.Equal(3, attempts);
        Assert.True(InferenceVerifier.Verify(vk, made.Proof).IsValid);
        // all zeros: no values at all, W3 = h_0·S^P
        var zeros = new[] { new long[vk.InputSize] };
        Assert.Empty(InputValueSums.Compute(z.ProvingKey.Srs, InputCommitment.Layout(zeros, rowWidth, vk.InputSize))!.Values);
        var zero = InferenceProver.ProvePrivate(z.ProvingKey, zeros, null, null, new ProverTimings(), new SeededRng(74));
        Assert.True(InferenceVerifier.Verify(vk, zero.Proof).IsValid);
        Assert.True(zero.Commitment.Check(zero.Opening, z.ProvingKey.Srs).IsValid);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Range_checked_private_input_proofs_verify_on_tiny_and_mlp3(int batch)
    {
        foreach (var (name, fixture, seed) in new[] { ("tiny", TinyOn, 1), ("mlp3", Mlp3, 2) })
        {
            var (c, z, x) = fixture.Value;
            var vk = z.VerifyingKey;
            Assert.True(vk.Zk.InputRangeCheck);
            var rows = x.Take(batch).ToArray();
            var made = Prove(z, rows, seed + 10 * batch);
            var r = InferenceVerifier.Verify(vk, made.Proof);
            Assert.True(r.IsValid, $"{name} B = {batch}: {r.Reason}");
            var io = made.Proof.DecodePublicIO(vk);
            Assert.Equal(made.Commitment.Commitment, io.InputCommitment);
            var w = IntegerExecutor.RunQuantized(c, rows);
            for (int b = 0; b < batch; b++)
                Assert.Equal(w.Output.AsSpan(b * w.Layers[^1].Cols, vk.OutputSize).ToArray(), io.OutputRow(b).ToArray());
            // The shape with the input side: C_3 and ĥ_in, f̂_in (+128 bytes) over the proof of the same key without the check.
            var zs = new ZkShape(vk, BatchVars(batch));
            Assert.True(zs.RangeCheck);
            Assert.Equal(zs.ProofLength(vk), made.Proof.ProofSize);
            Assert.True(InferenceProof.TryFromFileBytes(made.Proof.ToFileBytes(), out var back, out var why), why);
            Assert.Equal(15u, back!.Flags); // ZK | private inputs | input range check | column-major input
            Assert.True(InferenceVerifier.Verify(vk, back).IsValid);
        }
    }

    [Fact]
    public void Every_single_proof_element_changed_is_rejected()
    {
        var (_, z, x) = Mlp3.Value;
        var vk = z.VerifyingKey;
        var made = Prove(z, x.Take(2).ToArray(), 21);
        var proof = made.Proof;
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        int count = ZkProofMutations.AssertEveryElementRejected(vk, proof, ZkProofMutations.PointOffsets(vk, proof.ProofBytes.Length, 2));
        Assert.True(count > 100, $"{count} elements");
    }

    [Fact]
    public void A_wrong_output_and_another_commitment_are_rejected()
    {
        var (_, z, x) = TinyOn.Value;
        var vk = z.VerifyingKey;
        var srs = z.ProvingKey.Srs;
        var rows = x.Take(2).ToArray();
        var made = Prove(z, rows, 31);
        var proof = made.Proof;
        var y = proof.DecodePublicIO(vk).Outputs[..(2 * vk.OutputColumns)].ToArray();
        var cx = made.Commitment.Commitment;
        Assert.True(InferenceVerifier.Verify(vk, Reframe(vk, proof, 2, cx, y)).IsValid); // the control: the same statement re-packed
        int width = 1 << vk.Layers[0].InVars;
        var (again, _) = InputCommitment.Commit(srs, width, vk.InputSize, vk.XBytes, rows);
        Assert.False(InferenceVerifier.Verify(vk, Reframe(vk, proof, 2, again.Commitment, y)).IsValid);
        Assert.False(InferenceVerifier.Verify(vk, Reframe(vk, proof, 2, cx + srs.BlindingBase!.Value, y)).IsValid);
        for (int i = 0; i < y.Length; i++)
        {
            var yy = (long[])y.Clone();
            yy[i] += 1;
            Assert.False(InferenceVerifier.Verify(vk, Reframe(vk, proof, 2, cx, yy)).IsValid, $"output {i} changed accepted");
        }
        // The same model with the check off has another key: neither key accepts the other's proofs.
        var off = Prove(TinyOff.Value.Z, rows, 32).Proof;
        Assert.True(InferenceVerifier.Verify(TinyOff.Value.Z.VerifyingKey, off).IsValid);
        Assert.False(InferenceVerifier.Verify(vk, off.PublicInputs, off.ProofBytes).IsValid);
        Assert.False(InferenceVerifier.Verify(TinyOff.Value.Z.VerifyingKey, proof.PublicInputs, proof.ProofBytes).IsValid);
    }

    /// <summary>Row 0 of the tiny batch with entry <paramref name="i"/> set to −InputBound − 1 (one below the input range; fits x's byte).</summary>
    private static long[][] OutOfRange(long[][] x, long bound, int i)
    {
        var row = (long[])x[0].Clone();
        row[i] = -bound - 1;
        return [row];
    }

    [Fact]
    public void The_honest_prover_refuses_an_out_of_range_input()
    {
        var (_, z, x) = TinyOn.Value;
        var vk = z.VerifyingKey;
        var bad = OutOfRange(x, vk.InputBound, 0);
        var e = Assert.Throws<ArgumentException>(() => Prove(z, bad, 51));
        Assert.Contains($"outside ±{vk.InputBound}", e.Message);
        // also against an existing commitment whose opening holds that input
        var (com, open) = InputCommitment.Commit(z.ProvingKey.Srs, 1 << vk.Layers[0].InVars, vk.InputSize, vk.XBytes, bad);
        e = Assert.Throws<ArgumentException>(() => Prove(z, bad, 52, com, open));
        Assert.Contains($"outside ±{vk.InputBound}", e.Message);
    }

    /// <summary>
    /// A prover forced to cheat below ProvePrivate's checks: the witness runs on an input with one entry at −InputBound − 1, C_X
    /// commits it, the lookups are not checked by the prover. With the range check on the proof is rejected (the input side's
    /// value is in no table entry: the sum relation fails in the opening); the same cheat against the same model with the check
    /// off is accepted (the network's relations hold, nothing looks at X′'s range) — the check has teeth.
    /// </summary>
    [Fact]
    public void A_forced_out_of_range_input_is_rejected_with_the_check_on_and_accepted_with_it_off()
    {
        foreach (var i in new[] { 0, 3 })
        {
            var verdicts = new List<VerificationResult>();
            foreach (var fixture in new[] { TinyOn, TinyOff })
            {
                var (c, z, x) = fixture.Value;
                var vk = z.VerifyingKey;
                var bad = OutOfRange(x, vk.InputBound, i);
                var w = IntegerExecutor.RunQuantized(c, bad, checkInputRange: false);
                var (com, open) = InputCommitment.Commit(z.ProvingKey.Srs, 1 << vk.Layers[0].InVars, vk.InputSize, vk.XBytes, bad);
                var proof = ZkInference.Prove(z.ProvingKey, w, 1, new ProverTimings(), checkLookups: false, new SeededRng(60 + i), new ZkPrivateInput(com, open));
                verdicts.Add(InferenceVerifier.Verify(vk, proof));
            }
            Assert.False(verdicts[0].IsValid, $"entry {i}: the range check accepted −InputBound − 1");
            Assert.Equal(VerificationFailure.Opening, verdicts[0].Failure);
            Assert.True(verdicts[1].IsValid, $"entry {i}: the cheat should pass without the check (else the test has no teeth): {verdicts[1].Reason}");
        }
    }

    /// <summary>
    /// The hole (review finding 4, zk-design §10.8): a padded column of X′ (col ≥ inputSize) must hold 0. The test model (9 → 64 → 4)
    /// has a row k ≥ 9 of layer 0's padded weight item that is zero in the model vector (the other items do not fill the hole),
    /// so a non-zero X′[0, k] changes nothing the matmul sees: with the check off the forced proof verifies (the weak statement),
    /// with the check on the tail claim (X′ is zero on the padded columns, one point r_in; docs/protocol.md "ZK mode: the
    /// column-major private input" (3)) fails and the proof is rejected at the opening. (B = 1: the column-major X′ is the row.)
    /// </summary>
    [Fact]
    public void A_forced_non_zero_padded_column_is_rejected_with_the_check_on_and_accepted_with_it_off()
    {
        var net = InferenceFixtures.Random(83, [9, 64, 4], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(84, 8, 9);
        var verdicts = new List<VerificationResult>();
        foreach (var (zk, seed) in new[] { (On, 85), (Off, 86) })
        {
            var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = zk });
            var z = Setup(c, seed, 1);
            var vk = z.VerifyingKey;
            var pk = z.ProvingKey;
            int width = 1 << vk.Layers[0].InVars, cols = 1 << vk.Layers[0].OutVars;
            long w0 = vk.Shape.ModelLayout.Offset(KeyShape.WeightItem(0));
            int k = Enumerable.Range(vk.InputSize, width - vk.InputSize).Last(r => pk.Model.AsSpan((int)(w0 + (long)r * cols), cols).IndexOfAnyExcept(0L) < 0);
            var row = c.QuantizeInput(samples[0]);
            var w = IntegerExecutor.RunQuantized(c, [row]);
            w.Input[k] = 5; // a non-zero padded column, invisible to the matmul (W_0's row k is zero)
            var hc = HyperKzg.CommitSmallHiding(pk.Srs, w.Input);
            var com = new InputCommitment(InputCommitment.FingerprintOf(pk.Srs), 1, width, vk.InputSize, hc.Commitment);
            var open = new InputOpening(com.FileDigest, 1, vk.InputSize, vk.XBytes, row, hc.Blinding);
            ZkInference.AnyInputLayoutForTests.Value = true;
            try
            {
                var proof = ZkInference.Prove(pk, w, 1, new ProverTimings(), checkLookups: false, new SeededRng(seed + 10), new ZkPrivateInput(com, open));
                verdicts.Add(InferenceVerifier.Verify(vk, proof));
            }
            finally { ZkInference.AnyInputLayoutForTests.Value = false; }
            Assert.False(open.Holds([row]).IsValid && com.Check(open, pk.Srs).IsValid, "open-input must not accept this commitment's opening");
        }
        Assert.False(verdicts[0].IsValid, "the range check accepted a non-zero padded column");
        Assert.Equal(VerificationFailure.Opening, verdicts[0].Failure);
        Assert.True(verdicts[1].IsValid, $"without the check the hole proof should verify (else the test has no teeth): {verdicts[1].Reason}");
    }

    [Fact]
    public void Xs_two_equal_selector_values_are_a_rejected_event()
    {
        // X̂ is revealed at r_in (selector r_in[0], X′ column-major) and in layer 0's matmul (selector ρ_0[0]): equal values would let one μ_X
        // value mask both, so both sides reject that event (the check both run), only with the range check.
        var (_, z, _) = Mlp3.Value;
        var vk = z.VerifyingKey;
        var zs = new ZkShape(vk, 1);
        var rnd = new Random(6);
        Fr R() => Fr.FromInt64(rnd.NextInt64(2, long.MaxValue));
        var rw = Enumerable.Range(0, zs.N).Select(_ => R()).ToArray();
        var kappa = Enumerable.Range(0, zs.I).Select(_ => R()).ToArray();
        var rin = Enumerable.Range(0, zs.NIn).Select(_ => R()).ToArray();
        Assert.Null(ZkInference.PointProblem(vk, zs, rw, kappa, rin));
        rin[0] = kappa[zs.I - vk.Layers[0].InVars];
        Assert.Contains("X's two selector values", ZkInference.PointProblem(vk, zs, rw, kappa, rin));
        var zsOff = new ZkShape(TinyOff.Value.Z.VerifyingKey, 1);
        Assert.False(zsOff.RangeCheck);
        Assert.Equal(-1, zsOff.NIn);
        Assert.Equal(-1, zsOff.MuHin);
    }

    [Fact]
    public void Two_range_checked_proofs_of_the_same_input_share_no_element_except_the_statement_words_B_and_Y()
    {
        var (_, z, x) = TinyOn.Value;
        var rows = x.Take(2).ToArray();
        var (com, open) = InputCommitment.Commit(z.ProvingKey.Srs, 1 << z.VerifyingKey.Layers[0].InVars, z.VerifyingKey.InputSize, z.VerifyingKey.XBytes, rows);
        var a = InferenceProver.ProvePrivate(z.ProvingKey, rows, com, open).Proof; // the OS CSPRNG, twice
        var b = InferenceProver.ProvePrivate(z.ProvingKey, rows, com, open).Proof;
        Assert.True(a.PublicInputs.SequenceEqual(b.PublicInputs));
        var ea = Enumerable.Range(0, a.ProofSize / 32).Select(i => Convert.ToHexString(a.ProofBytes.Slice(32 * i, 32))).ToHashSet();
        var eb = Enumerable.Range(0, b.ProofSize / 32).Select(i => Convert.ToHexString(b.ProofBytes.Slice(32 * i, 32))).ToHashSet();
        Assert.True(ea.Count > 100);
        Assert.Empty(ea.Intersect(eb));
    }

    private static readonly Lazy<(ZkSetup On, ZkSetup Off, long[][] X)> Mnist = new(() =>
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ZkMl.Compiler.ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var on = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = On });
        var off = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = Off });
        return (Setup(on, 191, 2), Setup(off, 192, 1), samples.Take(2).Select(s => on.QuantizeInput(s)).ToArray());
    });

    [Fact]
    public void Mnist_range_checked_proofs_at_b1_and_b2_verify()
    {
        var (on, off, x) = Mnist.Value;
        var made = InferenceProver.ProvePrivate(on.ProvingKey, x.Take(1).ToArray());
        var r = InferenceVerifier.Verify(on.VerifyingKey, made.Proof);
        Assert.True(r.IsValid, r.Reason);
        // docs/zk-design.md §5.9: + C_3 and ĥ_in, f̂_in(r_in) over the 5,312 bytes without the check (N_lu stays 12 at B = 1)
        Assert.Equal(5312 + 128, made.Proof.ProofSize);
        Assert.Equal(5312, InferenceProver.ProvePrivate(off.ProvingKey, x.Take(1).ToArray()).Proof.ProofSize);
        var two = InferenceProver.ProvePrivate(on.ProvingKey, x);
        r = InferenceVerifier.Verify(on.VerifyingKey, two.Proof);
        Assert.True(r.IsValid, r.Reason);
    }
}
