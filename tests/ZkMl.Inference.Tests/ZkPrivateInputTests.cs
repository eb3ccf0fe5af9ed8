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
/// Zero-knowledge proofs with private inputs (docs/zk-design.md §6 and §11 step 10; docs/protocol.md "ZK mode: private
/// inputs"): the statement B ‖ C_X ‖ Y, X as a masked factor of layer 0's matmul and a vector of the ZK batched opening.
/// Completeness, every proof element changed, C_X swapped or re-blinded, wrong outputs, no input word anywhere, an opening
/// of other inputs refused, the retry on a rejected challenge event (the input range check: <see cref="ZkInputRangeCheckTests"/>).
/// </summary>
public class ZkPrivateInputTests
{
    private static readonly ZkSettings Off = ZkSettings.PrivateInputs(rangeCheck: false);

    private static ZkSetup Setup(Circuit c, int seed, int maxBatch = 4)
        => InferenceSetup.RunZk(c, InferenceFixtures.Srs, maxBatch, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(seed));

    private static readonly Lazy<(Circuit C, ZkSetup Z, long[][] X)> Tiny = new(() =>
    {
        var c = CircuitCompiler.Compile(InferenceFixtures.Tiny(), InferenceFixtures.TinyInputs(), new CompileOptions { Zk = Off });
        return (c, Setup(c, 41), InferenceFixtures.TinyInputs().Select(s => c.QuantizeInput(s)).ToArray());
    });

    /// <summary>mlp3: 16 → 16 → 16 → 4 (three matmul layers, equal hidden widths).</summary>
    private static readonly Lazy<(Circuit C, ZkSetup Z, long[][] X)> Mlp3 = new(() =>
    {
        var net = InferenceFixtures.Random(77, [16, 16, 16, 4], [Activation.Relu, Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(78, 12, 16);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = Off });
        return (c, Setup(c, 42), samples.Select(s => c.QuantizeInput(s)).ToArray());
    });

    private static PrivateInputProof Prove(ZkSetup z, long[][] x, int seed, InputCommitment? com = null, InputOpening? open = null)
        => InferenceProver.ProvePrivate(z.ProvingKey, x, com, open, new ProverTimings(), new SeededRng(seed));

    /// <summary>The proof with another statement: B ‖ <paramref name="cx"/> ‖ <paramref name="y"/>.</summary>
    private static InferenceProof Reframe(VerifyingKey vk, InferenceProof p, int batch, G1Affine cx, long[] y)
        => InferenceProof.FromParts(p.VkDigest, PublicIO.CreatePrivate(vk, batch, cx, y).Words, p.ProofBytes, p.Flags);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Private_input_proofs_verify_on_tiny_and_mlp3(int batch)
    {
        foreach (var (name, fixture, seed) in new[] { ("tiny", Tiny, 1), ("mlp3", Mlp3, 2) })
        {
            var (c, z, x) = fixture.Value;
            var vk = z.VerifyingKey;
            var rows = x.Take(batch).ToArray();
            var made = Prove(z, rows, seed + 10 * batch);
            var r = InferenceVerifier.Verify(vk, made.Proof);
            Assert.True(r.IsValid, $"{name} B = {batch}: {r.Reason}");
            // The statement is B ‖ C_X ‖ Y (the B real output rows), and C_X is the returned commitment, which the opening opens.
            var io = made.Proof.DecodePublicIO(vk);
            Assert.True(io.IsPrivate);
            Assert.Equal(made.Commitment.Commitment, io.InputCommitment);
            Assert.Equal(32 + 64 + (batch * vk.OutputColumns * vk.YBytes + 31) / 32 * 32, made.Proof.PublicInputs.Length);
            Assert.True(made.Commitment.Check(made.Opening, z.ProvingKey.Srs).IsValid);
            Assert.True(made.Opening.Holds(rows).IsValid);
            // The outputs are the circuit's on the committed inputs.
            var w = IntegerExecutor.RunQuantized(c, rows);
            for (int b = 0; b < batch; b++)
                Assert.Equal(w.Output.AsSpan(b * w.Layers[^1].Cols, vk.OutputSize).ToArray(), io.OutputRow(b).ToArray());
            // No new proof element: the private proof has the length of the shape with X as a masked factor.
            Assert.Equal(new ZkShape(vk, System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch))).ProofLength(vk), made.Proof.ProofSize);
            // The proof file round trip keeps the verdict (flags: ZK | private inputs).
            Assert.True(InferenceProof.TryFromFileBytes(made.Proof.ToFileBytes(), out var back, out var why), why);
            Assert.Equal(11u, back!.Flags); // ZK | private inputs | column-major input
            Assert.True(InferenceVerifier.Verify(vk, back).IsValid);
        }
    }

    [Fact]
    public void A_proof_against_an_existing_commitment_verifies_and_states_it()
    {
        var (_, z, x) = Tiny.Value;
        var rows = x.Take(2).ToArray();
        var (com, open) = InputCommitment.Commit(z.ProvingKey.Srs, 1 << z.VerifyingKey.Layers[0].InVars, z.VerifyingKey.InputSize, z.VerifyingKey.XBytes, rows);
        var made = Prove(z, rows, 5, com, open);
        Assert.Same(com, made.Commitment);
        Assert.Equal(com.Commitment, made.Proof.DecodePublicIO(z.VerifyingKey).InputCommitment);
        Assert.True(InferenceVerifier.Verify(z.VerifyingKey, made.Proof).IsValid);
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
    public void Another_commitment_a_reblinded_one_and_a_wrong_output_are_rejected()
    {
        var (_, z, x) = Tiny.Value;
        var vk = z.VerifyingKey;
        var srs = z.ProvingKey.Srs;
        var rows = x.Take(3).ToArray();
        var made = Prove(z, rows, 31);
        var proof = made.Proof;
        var io = proof.DecodePublicIO(vk);
        var y = io.Outputs[..(3 * vk.OutputColumns)].ToArray();
        var cx = made.Commitment.Commitment;
        Assert.True(InferenceVerifier.Verify(vk, Reframe(vk, proof, 3, cx, y)).IsValid); // the control: the same statement re-packed
        int width = 1 << vk.Layers[0].InVars;
        // Another commitment to the same inputs (another blinding): the proof made for one commitment does not verify against another.
        var (again, _) = InputCommitment.Commit(srs, width, vk.InputSize, vk.XBytes, rows);
        Assert.NotEqual(cx, again.Commitment);
        // (C_X is absorbed first, so every challenge changes and the first check to fail is an early one)
        Assert.False(InferenceVerifier.Verify(vk, Reframe(vk, proof, 3, again.Commitment, y)).IsValid);
        // A proof made for that other commitment verifies against it, and not against the first one.
        var other = Prove(z, rows, 32);
        Assert.True(InferenceVerifier.Verify(vk, other.Proof).IsValid);
        Assert.False(InferenceVerifier.Verify(vk, Reframe(vk, other.Proof, 3, cx, y)).IsValid);
        // C_X re-blinded by the statement's holder (C_X + H: the same inputs, blinding s_X + 1) and a commitment to other inputs.
        var reblinded = cx + srs.BlindingBase!.Value;
        Assert.False(InferenceVerifier.Verify(vk, Reframe(vk, proof, 3, reblinded, y)).IsValid);
        var changed = rows.Select(v => (long[])v.Clone()).ToArray();
        changed[1][0] = changed[1][0] == vk.InputBound ? changed[1][0] - 1 : changed[1][0] + 1;
        var (elsewhere, _) = InputCommitment.Commit(srs, width, vk.InputSize, vk.XBytes, changed);
        Assert.False(InferenceVerifier.Verify(vk, Reframe(vk, proof, 3, elsewhere.Commitment, y)).IsValid);
        // Every output value changed by one is rejected.
        for (int i = 0; i < y.Length; i++)
        {
            var yy = (long[])y.Clone();
            yy[i] += 1;
            Assert.False(InferenceVerifier.Verify(vk, Reframe(vk, proof, 3, cx, yy)).IsValid, $"output {i} changed accepted");
        }
        // C_X not on the curve: the statement is refused before anything else.
        var words = proof.PublicInputs.ToArray();
        words[32 + 63] ^= 1;
        Assert.Equal(VerificationFailure.PublicInputs, InferenceVerifier.Verify(vk, words, proof.ProofBytes).Failure);
    }

    [Fact]
    public void A_prover_whose_witness_is_not_the_committed_input_is_rejected()
    {
        // Forced cheating below ProvePrivate's checks: the statement holds C_A (the commitment of rows A), the witness and the
        // X vector of the opening are rows B (other inputs, other outputs). Only the claim on C_X can catch it.
        var (c, z, x) = Tiny.Value;
        var vk = z.VerifyingKey;
        int width = 1 << vk.Layers[0].InVars;
        long[][] rowsA = [x[0]], rowsB = [x[2]];
        Assert.NotEqual(rowsA[0], rowsB[0]);
        var (comA, _) = InputCommitment.Commit(z.ProvingKey.Srs, width, vk.InputSize, vk.XBytes, rowsA);
        var (comB, openB) = InputCommitment.Commit(z.ProvingKey.Srs, width, vk.InputSize, vk.XBytes, rowsB);
        var wB = IntegerExecutor.RunQuantized(c, rowsB);
        var honest = ZkInference.Prove(z.ProvingKey, wB, 1, new ProverTimings(), checkLookups: true, new SeededRng(41), new ZkPrivateInput(comB, openB));
        Assert.True(InferenceVerifier.Verify(vk, honest).IsValid); // the control: the same prover with B's own commitment
        var cheat = ZkInference.Prove(z.ProvingKey, wB, 1, new ProverTimings(), checkLookups: true, new SeededRng(41), new ZkPrivateInput(comA, openB));
        var r = InferenceVerifier.Verify(vk, cheat);
        Assert.False(r.IsValid);
        Assert.Equal(VerificationFailure.Opening, r.Failure);
    }

    [Fact]
    public void No_input_word_appears_in_the_statement_the_proof_or_its_json()
    {
        var (_, z, x) = Mlp3.Value;
        var vk = z.VerifyingKey;
        // inputs with a recognisable, distinct packed pattern (the control below shows a public statement holds it)
        var rows = new[] { Enumerable.Range(0, vk.InputSize).Select(i => (long)(i * 7 % 100 - 50)).ToArray() };
        var made = Prove(z, rows, 51);
        var packed = rows[0].Select(v => (byte)(sbyte)v).ToArray();
        Assert.Equal(1, vk.XBytes);
        var file = made.Proof.ToFileBytes();
        Assert.False(Contains(file, packed), "the proof file holds the packed input row");
        Assert.False(Contains(made.Proof.PublicInputs.ToArray(), packed));
        var json = made.Proof.ToJson(vk);
        Assert.Contains("\"inputCommitment\": \"0x" + Convert.ToHexStringLower(EvmEncoding.EncodeG1(made.Commitment.Commitment)) + "\"", json);
        Assert.DoesNotContain("\"inputs\"", json);
        Assert.Throws<InvalidOperationException>(() => made.Proof.DecodePublicIO(vk).InputRow(0).ToArray());
        // Control: the public-input packing of the same row holds the pattern.
        var pub = CircuitCompiler.Compile(InferenceFixtures.Random(77, [16, 16, 16, 4], [Activation.Relu, Activation.Relu, Activation.None]),
            InferenceFixtures.Samples(78, 12, 16), new CompileOptions { Zk = ZkSettings.PublicInputs });
        var pubVk = VerifyingKeyOf(pub);
        Assert.True(Contains(PublicIO.Create(pubVk, 1, rows[0], new long[pubVk.OutputColumns]).Words.ToArray(), packed));
    }

    private static VerifyingKey VerifyingKeyOf(Circuit c) => Setup(c, 52, 1).VerifyingKey;

    private static bool Contains(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
            if (hay.AsSpan(i, needle.Length).SequenceEqual(needle)) return true;
        return false;
    }

    [Fact]
    public void An_opening_of_other_inputs_or_of_another_commitment_is_refused_by_the_prover()
    {
        var (_, z, x) = Tiny.Value;
        var vk = z.VerifyingKey;
        int width = 1 << vk.Layers[0].InVars;
        var rows = x.Take(2).ToArray();
        var (com, open) = InputCommitment.Commit(z.ProvingKey.Srs, width, vk.InputSize, vk.XBytes, rows);
        // the opening holds other rows than those to prove
        var e = Assert.Throws<ArgumentException>(() => Prove(z, x.Skip(2).Take(2).ToArray(), 61, com, open));
        Assert.Contains("does not hold the inputs", e.Message);
        // an opening of another commitment
        var (com2, open2) = InputCommitment.Commit(z.ProvingKey.Srs, width, vk.InputSize, vk.XBytes, rows);
        e = Assert.Throws<ArgumentException>(() => Prove(z, rows, 62, com, open2));
        Assert.Contains("does not open the input commitment", e.Message);
        // a forged opening: the right file digest and rows, another blinding
        var forged = new InputOpening(com.FileDigest, 2, vk.InputSize, vk.XBytes, rows.SelectMany(r => r).ToArray(), open.Blinding + Fr.One);
        e = Assert.Throws<ArgumentException>(() => Prove(z, rows, 63, com, forged));
        Assert.Contains("C_X does not open", e.Message);
        // half of the pair, and a public-input key
        Assert.Throws<ArgumentException>(() => Prove(z, rows, 64, com2, null));
        var pub = InferenceSetup.RunZk(CircuitCompiler.Compile(InferenceFixtures.Tiny(), InferenceFixtures.TinyInputs(), new CompileOptions { Zk = ZkSettings.PublicInputs }),
            InferenceFixtures.Srs, 4, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(65));
        Assert.Contains("not a key with private inputs", Assert.Throws<ArgumentException>(() => InferenceProver.ProvePrivate(pub.ProvingKey, rows)).Message);
        // Prove (without a commitment) on a private key points to ProvePrivate.
        Assert.Contains("ProvePrivate", Assert.Throws<ArgumentException>(() => InferenceProver.ProveQuantized(z.ProvingKey, rows)).Message);
    }

    [Fact]
    public void A_rejected_challenge_event_retries_with_fresh_masks()
    {
        var (_, z, x) = Tiny.Value;
        var rows = x.Take(1).ToArray();
        int attempts = 0;
        var made = InferenceProver.ProvePrivate(z.ProvingKey, rows, null, null, new ProverTimings(), new SeededRng(71), a => { attempts = a + 1; return a < 2; });
        Assert.Equal(3, attempts);
        Assert.True(InferenceVerifier.Verify(z.VerifyingKey, made.Proof).IsValid);
        // every attempt rejected: an error after the bound, never a proof
        var e = Assert.Throws<InvalidOperationException>(() => InferenceProver.ProvePrivate(z.ProvingKey, rows, null, null, new ProverTimings(), new SeededRng(72), _ => true));
        Assert.Contains($"{ZkInference.MaxAttempts} proof attempts", e.Message);
    }

    private static readonly Lazy<(ZkSetup Z, long[][] X)> Mnist = new(() =>
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ZkMl.Compiler.ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = Off });
        return (Setup(c, 91, 1), samples.Take(1).Select(s => c.QuantizeInput(s)).ToArray());
    });

    [Fact]
    public void Mnist_private_input_proof_at_b1_verifies_and_keeps_the_public_size()
    {
        var (z, x) = Mnist.Value;
        var made = InferenceProver.ProvePrivate(z.ProvingKey, x);
        var r = InferenceVerifier.Verify(z.VerifyingKey, made.Proof);
        Assert.True(r.IsValid, r.Reason);
        Assert.Equal(5312, made.Proof.ProofSize); // docs/zk-design.md §5.9: no new proof element
        var vk = z.VerifyingKey;
        Assert.Equal(32 + 64 + (vk.OutputColumns * vk.YBytes + 31) / 32 * 32, made.Proof.PublicInputs.Length); // B ‖ C_X ‖ Y: no input word
    }
    /// <summary>
    /// S1 (docs/protocol.md "Keys" → "ZK mode": the size of a zero-knowledge key): a ZK proof opens its vectors in ONE batched
    /// opening over N = <see cref="ZkShape.OpeningVars"/> variables, and with private inputs X′ (Bp × 2^{i_0}) is one of them.
    /// For a wide input (100 → 128 columns) and a narrow hidden layer (4), X′ at the max batch (256) is longer than every vector of the
    /// default mode, so a key sized from the default-mode shape accepted the batch at setup and could not prove it. Set up with
    /// the smallest SRS setup accepts for the max batch, the key proves and verifies at it; one power fewer gives a key for half
    /// the batch, whose prover refuses the max batch with the key's limit.
    /// </summary>
    [Fact]
    public void A_wide_input_narrow_hidden_private_key_proves_at_its_max_batch()
    {
        const int maxBatch = 256;
        var net = InferenceFixtures.Random(83, [100, 4, 4], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(84, maxBatch, 100);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = Off });
        long powers = InferenceSetup.RequiredPowers(c, maxBatch);
        ZkSetup SetupOn(long n, int seed)
            => InferenceSetup.RunZk(c, Srs.CreateInsecureDev((int)n - 1, 85), maxBatch, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(seed));
        var z = SetupOn(powers, 86);
        var vk = z.VerifyingKey;
        Assert.Equal(maxBatch, vk.MaxBatch);
        var rows = samples.Select(s => c.QuantizeInput(s)).ToArray();
        var made = Prove(z, rows, 87);
        var r = InferenceVerifier.Verify(vk, made.Proof);
        Assert.True(r.IsValid, r.Reason);
        Assert.Equal(maxBatch, made.Proof.DecodePublicIO(vk).BatchSize);

        // The premise: the opening at the max batch is over X′ (b + i_0 = 8 + 7 variables; the model vector and W1 have 2^14
        // entries), and the default mode's key for the same network needs fewer powers; the ZK key needs exactly 2^N.
        var zs = new ZkShape(vk, 8);
        Assert.Equal(15, zs.XVars);
        Assert.Equal(zs.XVars, zs.OpeningVars);
        Assert.Equal(1L << zs.OpeningVars, powers);
        Assert.True(InferenceSetup.RequiredPowers(CircuitCompiler.Compile(net, samples, new CompileOptions()), maxBatch) < powers);
        // The opening's mask is confined (docs/protocol.md "ZK mode: the column-major private input", (4)): L* = X′'s used
        // prefix 100·256 = 25,600 > 3·2^13, so the proof above was made with a confined mask and verified.
        Assert.Equal(25_600, ZkMaskPoints.MaskLength(vk, zs, maxBatch));

        // One power fewer: setup makes a key for half the batch (the largest whose ZK opening fits), and its prover refuses
        // the max batch naming the limit.
        var small = SetupOn(powers - 1, 88);
        Assert.Equal(maxBatch / 2, small.VerifyingKey.MaxBatch);
        var e = Assert.Throws<ArgumentException>(() => Prove(small, rows, 89));
        Assert.Contains($"at most {maxBatch / 2}", e.Message);
        Assert.True(InferenceVerifier.Verify(small.VerifyingKey, Prove(small, rows[..(maxBatch / 2)], 90).Proof).IsValid);

        // A key as setup made it before the fix (max batch 256 on the default-mode 2^14 powers) is refused before C_X is made,
        // with the opening's size and what to do.
        var pk = z.ProvingKey;
        var old = new ProvingKey(vk, c, pk.Srs.Truncate((int)(powers / 2) - 1), pk.Model) { ModelBlindings = pk.ModelBlindings };
        e = Assert.Throws<ArgumentException>(() => InferenceProver.ProvePrivate(old, rows, null, null, new ProverTimings(), new SeededRng(91)));
        Assert.Contains("needs a ZK opening over 2^15 entries", e.Message);
        Assert.Contains("run setup again", e.Message);
    }
    /// <summary>The statement's 32-byte words (B, C_X.x, C_X.y, the packed Y words) as hex.</summary>
    private static string[] Words(InferenceProof p)
        => Enumerable.Range(0, p.PublicInputs.Length / 32).Select(i => Convert.ToHexString(p.PublicInputs.Slice(32 * i, 32))).ToArray();

    /// <summary>Every statement word and proof element (32-byte scalar or 64-byte point) of a proof.</summary>
    private static HashSet<string> Everything(VerifyingKey vk, InferenceProof p, int batch)
    {
        var set = ZkInferenceTests.Elements(vk, p.ProofBytes.ToArray(), batch);
        set.UnionWith(Words(p));
        return set;
    }

    /// <summary>
    /// docs/zk-design.md §10.6 with private inputs: two proofs of the same private witness share no proof element and, of the
    /// statement B ‖ C_X ‖ Y, only B and Y — each proof makes a fresh C_X. Proven against the same existing commitment
    /// (<c>--input-commitment</c>), they share C_X and nothing else. Control: two proofs with the same masks (one seed) and the
    /// same commitment share everything, so the comparison sees a shared element.
    /// </summary>
    [Fact]
    public void Two_proofs_of_the_same_private_witness_share_only_b_and_y_or_with_one_commitment_also_c_x()
    {
        var (_, z, x) = Mlp3.Value;
        var vk = z.VerifyingKey;
        const int batch = 3;
        var rows = x.Take(batch).ToArray();
        var pk = z.ProvingKey;
        var a = InferenceProver.ProvePrivate(pk, rows); // the OS CSPRNG, twice
        var b = InferenceProver.ProvePrivate(pk, rows);
        foreach (var p in new[] { a, b }) Assert.True(InferenceVerifier.Verify(vk, p.Proof).IsValid);
        var (wa, wb) = (Words(a.Proof), Words(b.Proof));
        Assert.Equal(wa.Length, wb.Length);
        Assert.NotEqual(a.Commitment.Commitment, b.Commitment.Commitment);
        // words: 0 = B, 1–2 = C_X, 3… = Y
        var expected = new HashSet<string>(wa.Where((_, i) => i == 0 || i >= 3));
        Assert.True(expected.SetEquals(wb.Where((_, i) => i == 0 || i >= 3)), "B and Y are the statement's in both");
        var shared = Everything(vk, a.Proof, batch);
        shared.IntersectWith(Everything(vk, b.Proof, batch));
        Assert.True(expected.SetEquals(shared), $"shared beyond B and Y: {string.Join(", ", shared.Except(expected))}");
        Assert.True(ZkInferenceTests.Elements(vk, a.Proof.ProofBytes.ToArray(), batch).Count > 120);

        // The same existing commitment: C_X is shared as well, and still no proof element.
        var c1 = InferenceProver.ProvePrivate(pk, rows, a.Commitment, a.Opening);
        var c2 = InferenceProver.ProvePrivate(pk, rows, a.Commitment, a.Opening);
        foreach (var p in new[] { c1, c2 }) Assert.True(InferenceVerifier.Verify(vk, p.Proof).IsValid);
        Assert.Equal(wa, Words(c1.Proof));
        Assert.Equal(wa, Words(c2.Proof));
        shared = Everything(vk, c1.Proof, batch);
        shared.IntersectWith(Everything(vk, c2.Proof, batch));
        Assert.True(new HashSet<string>(wa).SetEquals(shared), $"shared beyond the statement: {string.Join(", ", shared.Except(wa))}");
        // (and nothing with the first pair's proofs either)
        shared = ZkInferenceTests.Elements(vk, c1.Proof.ProofBytes.ToArray(), batch);
        shared.IntersectWith(ZkInferenceTests.Elements(vk, a.Proof.ProofBytes.ToArray(), batch));
        Assert.Empty(shared);

        // Control: one seed, one commitment: the same proof, every element shared.
        var s1 = InferenceProver.ProvePrivate(pk, rows, a.Commitment, a.Opening, new ProverTimings(), new SeededRng(61));
        var s2 = InferenceProver.ProvePrivate(pk, rows, a.Commitment, a.Opening, new ProverTimings(), new SeededRng(61));
        var e1 = Everything(vk, s1.Proof, batch);
        e1.IntersectWith(Everything(vk, s2.Proof, batch));
        Assert.Equal(Everything(vk, s1.Proof, batch).Count, e1.Count);
    }
}
