using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Zero-knowledge proofs with private inputs (docs/zk-design.md §6 and §11 step 10; docs/protocol.md "ZK mode: private
/// inputs"): the statement B ‖ C_X ‖ Y, X as a masked factor of layer 0's matmul and a vector of the ZK batched opening.
/// Completeness, every proof element changed, C_X swapped or re-blinded, wrong outputs, no input word anywhere, an opening
/// of other inputs refused, the retry on a rejected challenge event (the input range check: <see cref="ZkInputRangeCheckTests"/>).
/// </summary>
public class ZkPrivateInputTests
{
    /// <summary>A seeded generator (tests only; production draws every mask from the OS CSPRNG).</summary>
    private sealed class SeededRng(int seed) : RandomNumberGenerator
    {
        private readonly Random _r = new(seed);
        public override void GetBytes(byte[] data) => _r.NextBytes(data);
        public override void GetBytes(Span<byte> data) => _r.NextBytes(data);
    }

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
            Assert.Equal(3u, back!.Flags);
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
        var bytes = proof.ProofBytes.ToArray();
        var zs = new ZkShape(vk, 1);
        var points = new HashSet<int> { 0, 64, 128, 192 };
        int kzg = bytes.Length - HyperKzgHidingProof.EncodedLength(zs.OpeningVars);
        for (int i = 0; i < HyperKzg.OpenedLevels(zs.OpeningVars) + 1; i++) points.Add(kzg + 64 * i);
        int count = 0;
        for (int o = 0; o < bytes.Length;)
        {
            int at = o;
            var bad = (byte[])bytes.Clone();
            if (points.Contains(o))
            {
                EvmEncoding.EncodeG1(EvmEncoding.DecodeG1(bytes.AsSpan(o, 64)) + G1Affine.Generator, bad.AsSpan(o, 64));
                o += 64;
            }
            else
            {
                (Fr.FromBytesBigEndian(bytes.AsSpan(o, 32)) + Fr.One).WriteBigEndian(bad.AsSpan(o, 32));
                o += 32;
            }
            Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, bad).IsValid, $"change at byte {at} accepted");
            count++;
        }
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
}
