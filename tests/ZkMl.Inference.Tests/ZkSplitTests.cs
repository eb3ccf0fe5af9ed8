using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.TestKit;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Split opening vectors (docs/protocol.md "ZK mode: split opening vectors"): W1, W2, X′ and W3 of 2^18 or more entries are
/// committed and opened as two halves. At the real threshold: MNIST with private, range-checked inputs at B = 256 (X′ of
/// 784 × 256 entries in a 2^18 vector: C_X is two points, W3 two halves) proves and verifies, its input commitment files
/// carry both halves, and changed halves are rejected. With the threshold lowered (a test switch) a small circuit splits all
/// four vectors; every high-half element of the proof and the statement is bound.
/// </summary>
public class ZkSplitTests
{
    private static readonly Lazy<(ZkSetup Z, long[][] X)> Mnist = new(() =>
    {
        string dir = Path.Combine(RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ZkMl.Compiler.ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PrivateInputs() });
        var z = InferenceSetup.RunZk(c, InferenceFixtures.Srs, 256, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(261));
        // 256 rows: the samples repeated, each a little changed so that the rows differ
        var rows = Enumerable.Range(0, 256).Select(r =>
        {
            var x = c.QuantizeInput(samples[r % samples.Length]);
            x[(r * 37) % x.Length] = r % 5 - 2;
            return x;
        }).ToArray();
        return (z, rows);
    });

    private static InferenceProof Restate(VerifyingKey vk, InferenceProof p, in G1Affine lo, G1Affine? hi)
    {
        var io = p.DecodePublicIO(vk);
        var y = io.Outputs[..(io.BatchSize * vk.OutputColumns)].ToArray();
        return InferenceProof.FromParts(p.VkDigest, PublicIO.CreatePrivate(vk, io.BatchSize, lo, y, hi).Words, p.ProofBytes, p.Flags);
    }

    [Fact]
    public void Mnist_private_inputs_at_b256_split_x_and_w3_and_verify()
    {
        var (z, x) = Mnist.Value;
        var vk = z.VerifyingKey;
        var zs = new ZkShape(vk, 8);
        // X′ of 784 × 256 entries in 2^18; W1 (A_0 and three limbs, 2^17, then the multiplicities) and W2 (h′_w 2^17, h_t, the mask region) of 2^18
        Assert.True(zs.SplitX && zs.SplitW3 && zs.SplitW1 && zs.SplitW2, "every vector of 2^18 entries is split at B = 256");
        Assert.Equal(18, zs.XVars);
        Assert.Equal(17, zs.OpeningVars);
        Assert.False(new ZkShape(vk, 7).SplitX || new ZkShape(vk, 7).SplitW1 || new ZkShape(vk, 7).SplitW2, "nothing is split at B = 128");
        var made = InferenceProver.ProvePrivate(z.ProvingKey, x);
        var proof = made.Proof;
        Assert.True(InferenceVerifier.Verify(vk, proof) is { IsValid: true } ok, InferenceVerifier.Verify(vk, proof).Reason);
        Assert.Equal(zs.ProofLength(vk), proof.ProofSize);
        var io = proof.DecodePublicIO(vk);
        Assert.Equal(made.Commitment.Commitment, io.InputCommitment);
        Assert.Equal(made.Commitment.CommitmentHigh, io.InputCommitmentHigh);
        Assert.Equal(32 + 128 + (256 * vk.OutputColumns * vk.YBytes + 31) / 32 * 32, proof.PublicInputs.Length);
        Assert.Contains("\"inputCommitment\": \"0x" + Convert.ToHexStringLower([.. EvmEncoding.EncodeG1(made.Commitment.Commitment), .. EvmEncoding.EncodeG1(made.Commitment.CommitmentHigh!.Value)]) + "\"", proof.ToJson(vk));

        // the files: version 3 with both points and both blindings, read back and checked
        var com = InputCommitment.FromBytes(made.Commitment.ToBytes());
        var open = InputOpening.FromBytes(made.Opening.ToBytes());
        Assert.Equal(InputCommitment.ByteLength + 64, made.Commitment.ToBytes().Length);
        Assert.True(com.IsSplit && open.BlindingHigh.HasValue);
        Assert.True(com.Check(open, z.ProvingKey.Srs).IsValid);
        var wrongHigh = new InputOpening(open.CommitmentDigest, open.BatchSize, open.InputSize, open.XBytes, open.Values.ToArray(), open.Blinding, open.BlindingHigh + Fr.One);
        Assert.Contains("its high half", com.Check(wrongHigh, z.ProvingKey.Srs).Reason);
        var oneBlinding = new InputOpening(open.CommitmentDigest, open.BatchSize, open.InputSize, open.XBytes, open.Values.ToArray(), open.Blinding);
        Assert.Contains("one blinding", com.Check(oneBlinding, z.ProvingKey.Srs).Reason);

        // the statement's halves swapped, one half from a fresh commitment of the same rows, one point only: rejected
        var lo = io.InputCommitment!.Value;
        var hi = io.InputCommitmentHigh!.Value;
        Assert.False(InferenceVerifier.Verify(vk, Restate(vk, proof, hi, lo)).IsValid);
        var again = InputCommitment.Commit(z.ProvingKey.Srs, made.Commitment.RowWidth, made.Commitment.InputSize, vk.XBytes, x).Commitment;
        Assert.False(InferenceVerifier.Verify(vk, Restate(vk, proof, lo, again.CommitmentHigh)).IsValid);
        Assert.False(InferenceVerifier.Verify(vk, Restate(vk, proof, again.Commitment, hi)).IsValid);
        Assert.Throws<ArgumentException>(() => PublicIO.CreatePrivate(vk, 256, lo, io.Outputs[..(256 * vk.OutputColumns)]));

        // W3's high half (the proof's last point) replaced by its low half, and the proof re-proved against the same commitment
        var pf = proof.ProofBytes.ToArray();
        int w3At = 256; // C_D1, C_D2, C_1, C_2, then C_3
        pf.AsSpan(w3At, 64).CopyTo(pf.AsSpan(pf.Length - 64));
        Assert.False(InferenceVerifier.Verify(vk, InferenceProof.FromParts(proof.VkDigest, proof.PublicInputs, pf, proof.Flags)).IsValid);
        var reproved = InferenceProver.ProvePrivate(z.ProvingKey, x, com, open);
        Assert.True(InferenceVerifier.Verify(vk, reproved.Proof).IsValid);
        Assert.Equal(proof.PublicInputs.ToArray(), reproved.Proof.PublicInputs.ToArray());
        // the prover refuses an opening with one blinding for the split commitment
        Assert.Contains("one blinding", Assert.Throws<ArgumentException>(() => InferenceProver.ProvePrivate(z.ProvingKey, x, com, oneBlinding)).Message);
    }

    /// <summary>
    /// A wide private input with narrow hidden layers (1024 → 16 → 10, the check on) at B = 256: X′ (2^18) is split, W1 and W2
    /// are not, so the opening's N is X′'s half's 17 and the key's SRS holds 2^17 powers: the input commitment's halves need
    /// no more (each from τ^0), the whole X′ would.
    /// </summary>
    [Fact]
    public void A_wide_private_input_commits_its_halves_on_a_key_sized_by_its_opening()
    {
        var net = InferenceFixtures.Random(264, [1024, 16, 10], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(265, 256, 1024);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PrivateInputs() });
        var z = InferenceSetup.RunZk(c, InferenceFixtures.Srs, 256, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(266));
        var vk = z.VerifyingKey;
        var zs = new ZkShape(vk, 8);
        Assert.True(zs.SplitX && zs.SplitW3 && !zs.SplitW1 && !zs.SplitW2, $"X′ 2^{zs.XVars} split, W1 2^{zs.Batch.W1!.NumVars} and W2 2^{zs.W2.NumVars} not");
        Assert.Equal(17, zs.OpeningVars);
        Assert.True(z.ProvingKey.Srs.G1Powers.Length < 1 << 18, $"the key's SRS has {z.ProvingKey.Srs.G1Powers.Length} powers");
        var x = samples.Select(s => c.QuantizeInput(s)).ToArray();
        var made = InferenceProver.ProvePrivate(z.ProvingKey, x);
        Assert.True(made.Commitment.IsSplit);
        Assert.True(InferenceVerifier.Verify(vk, made.Proof).IsValid, InferenceVerifier.Verify(vk, made.Proof).Reason);
        Assert.True(made.Commitment.Check(made.Opening, z.ProvingKey.Srs).IsValid);
    }

    [Fact]
    public void An_input_commitment_of_the_wrong_split_is_refused_with_its_reason()
    {
        var (z, x) = Mnist.Value;
        // two rows (Bp = 2: X′ of 2^11 entries) are one point; a version-3 file of 256 rows is two
        var (small, _) = InputCommitment.Commit(z.ProvingKey.Srs, 1024, 784, z.VerifyingKey.XBytes, x.Take(2).ToArray());
        Assert.False(small.IsSplit);
        Assert.Equal(InputCommitment.ByteLength, small.ToBytes().Length);
        Assert.Throws<ArgumentException>(() => new InputCommitment(small.SrsFingerprint, 2, 1024, 784, small.Commitment, small.Commitment));
        Assert.Throws<ArgumentException>(() => new InputCommitment(small.SrsFingerprint, 256, 1024, 784, small.Commitment));
        var bytes = small.ToBytes();
        // B and Bp edited to 256 (a split shape) with a one-point file: the length names the split
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(44), 256);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(48), 256);
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes, bytes.Length - 32);
        Assert.Contains("split X′ into two halves", Assert.Throws<InferenceFormatException>(() => InputCommitment.FromBytes(bytes)).Message);
    }

    /// <summary>mlp3 (16 → 16 → 16 → 4), private, range-checked, at B = 4 with every vector of 2^6 or more entries split.</summary>
    [Fact]
    public void Every_high_half_of_a_fully_split_proof_is_bound()
    {
        ZkShape.SplitVarsForTests.Value = 6;
        try { FullySplit(); }
        finally { ZkShape.SplitVarsForTests.Value = null; }
    }

    private static void FullySplit()
    {
        var net = InferenceFixtures.Random(77, [16, 16, 16, 4], [Activation.Relu, Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(78, 12, 16);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PrivateInputs() });
        var z = InferenceSetup.RunZk(c, InferenceFixtures.Srs, 4, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(262));
        var vk = z.VerifyingKey;
        var zs = new ZkShape(vk, 2);
        Assert.True(zs.SplitW1 && zs.SplitW2 && zs.SplitX && zs.SplitW3);
        Assert.Equal(3, zs.HighCommitments);
        var x = samples.Take(4).Select(s => c.QuantizeInput(s)).ToArray();
        var made = InferenceProver.ProvePrivate(z.ProvingKey, x, null, null, new ProverTimings(), new SeededRng(263));
        var proof = made.Proof;
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid, InferenceVerifier.Verify(vk, proof).Reason);
        var pf = proof.ProofBytes.ToArray();
        int hiAt = pf.Length - 3 * 64;
        // each high half replaced by its low half (C_1 at 128, C_2 at 192, C_3 at 256), or by another high half
        (int Low, string What)[] halves = [(128, "W1"), (192, "W2"), (256, "W3")];
        for (int i = 0; i < 3; i++)
        {
            var m = (byte[])pf.Clone();
            pf.AsSpan(halves[i].Low, 64).CopyTo(m.AsSpan(hiAt + 64 * i));
            Assert.False(InferenceVerifier.Verify(vk, InferenceProof.FromParts(proof.VkDigest, proof.PublicInputs, m, proof.Flags)).IsValid, $"{halves[i].What}'s high half = its low half");
            var n = (byte[])pf.Clone();
            pf.AsSpan(hiAt + 64 * ((i + 1) % 3), 64).CopyTo(n.AsSpan(hiAt + 64 * i));
            Assert.False(InferenceVerifier.Verify(vk, InferenceProof.FromParts(proof.VkDigest, proof.PublicInputs, n, proof.Flags)).IsValid, $"{halves[i].What}'s high half = another's");
        }
    }
}
