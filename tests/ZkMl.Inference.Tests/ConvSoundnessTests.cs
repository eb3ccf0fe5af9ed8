using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs.Openings;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Soundness of the conv and pooling proof: every new proof element changed is rejected; forced-cheating provers
/// (a wrong conv output with an otherwise consistent witness, a max-pool output that is not the maximum, one above every
/// entry, a wrong average) are rejected by the check that covers them; a proof is not valid for another input; and the
/// LeNet example (circuits/lenet-mnist) proves and verifies with the integer executor's outputs.
/// </summary>
public class ConvSoundnessTests
{
    private static int Log2(int n) => System.Numerics.BitOperations.Log2((uint)n);

    [Theory]
    [InlineData("max", 2)]
    [InlineData("avg", 1)]
    [InlineData("conv-conv", 1)]
    public void Every_new_proof_element_changed_is_rejected(string which, int batch)
    {
        var (c, pk, vk) = ConvProofTests.Setup(which);
        var proof = InferenceProver.Prove(pk, InferenceFixtures.Samples(7, batch, c.InputSize));
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        int b = Log2(Circuit.NextPowerOfTwo(batch));
        var bs = new BatchShape(vk, b);
        var bytes = proof.ProofBytes.ToArray();
        long opening = BatchOpeningProof.EncodedLength(ProofParts.VectorCount(vk), ProofParts.OpeningVars(vk, bs), ProofParts.JointVars(vk, bs));
        int end = (int)(bytes.Length - opening);
        int spatial = (int)ProofParts.SpatialLength(vk, b);
        int mmCount = ProofParts.MatmulLayerCount(vk);
        // the matmul block (biases, rounds, a/τ and w of the conv layers too) and the whole conv/pooling block
        int start = end - spatial - 96 * mmCount - 64 * ProofParts.MatmulVars(vk);
        var words = Enumerable.Range(0, (end - start) / 32).Select(i => start + 32 * i).ToList();
        // and the max pools' `cols` values (D at p_D)
        int colsStart = 128 + (int)ZkMl.Proofs.Lookups.LogUpProof.EncodedLength(bs.F!.NumVars, vk.Shape.TableLayout!.NumVars);
        foreach (int l in vk.Shape.MaxPoolLayers) words.Add(colsStart + 32 * vk.Shape.ColumnOffset[l]);
        Assert.True(words.Count > 20);
        foreach (int o in words)
        {
            var t = (byte[])bytes.Clone();
            t[o + 31] ^= 1;
            var r = InferenceVerifier.Verify(vk, InferenceProof.FromParts(vk.Digest, proof.PublicInputs, t, proof.Flags));
            Assert.False(r.IsValid, $"{which}: word at byte {o} changed and the proof still verified");
        }
    }

    [Fact]
    public void A_proof_for_one_input_is_not_valid_for_another()
    {
        var (c, pk, vk) = ConvProofTests.Setup("max");
        var p1 = InferenceProver.Prove(pk, InferenceFixtures.Samples(21, 1, c.InputSize));
        var p2 = InferenceProver.Prove(pk, InferenceFixtures.Samples(22, 1, c.InputSize));
        Assert.True(InferenceVerifier.Verify(vk, p1).IsValid && InferenceVerifier.Verify(vk, p2).IsValid);
        Assert.False(InferenceVerifier.Verify(vk, InferenceProof.FromParts(vk.Digest, p2.PublicInputs, p1.ProofBytes, p1.Flags)).IsValid);
        Assert.False(InferenceVerifier.Verify(vk, InferenceProof.FromParts(vk.Digest, p1.PublicInputs, p2.ProofBytes, p2.Flags)).IsValid);
    }

    /// <summary>Sets Z[e] of a tabled layer and its Q, R limbs and A consistently (requantization and table as the executor).</summary>
    private static void SetZ(Circuit c, LayerWitness lw, CircuitLayer layer, long e, long z)
    {
        lw.Z[e] = z;
        Int128 t = (Int128)z * layer.Multiplier + (Int128.One << (layer.Shift - 1));
        long q = (long)(t >> layer.Shift);
        ulong rem = (ulong)(t - ((Int128)q << layer.Shift));
        lw.Q![e] = q;
        for (int i = 0; i < layer.LimbCount; i++) lw.RemainderLimbs![i][e] = (long)((rem >> (i * c.LimbBits)) & ((1UL << c.LimbBits) - 1));
        lw.A![e] = layer.Table!.Lookup(Math.Clamp(q, layer.Table.QMin, layer.Table.QMax));
    }

    /// <summary>Recomputes the Z of dense output layer <paramref name="l"/> from its (changed) input, so the cheat is consistent downstream.</summary>
    private static void RecomputeDenseOutput(Circuit c, Witness w, int l)
    {
        var layer = c.Layers[l];
        var lw = w.Layers[l];
        var input = w.LayerInput(l);
        var pw = layer.PaddedWeights();
        int pi = layer.PaddedInputSize, po = layer.PaddedOutputSize;
        for (int r = 0; r < lw.Rows; r++)
            for (int j = 0; j < layer.OutputSize; j++)
            {
                long s = layer.Bias[j];
                for (int i = 0; i < pi; i++) s += input[(long)r * pi + i] * pw[(long)i * po + j];
                lw.Z[(long)r * lw.Cols + j] = s;
            }
    }

    [Fact]
    public void A_wrong_conv_output_with_an_otherwise_consistent_witness_is_rejected()
    {
        var (c, pk, vk) = ConvProofTests.Setup("conv-pad");
        var w = IntegerExecutor.Run(c, InferenceFixtures.Samples(31, 1, c.InputSize));
        var lw = w.Layers[0];
        // output channel 1, row 3, column 2 of the [2][8][8] padded layout
        long e = (1 * 8 + 3) * 8 + 2;
        SetZ(c, lw, c.Layers[0], e, lw.Z[e] + 1000);
        RecomputeDenseOutput(c, w, 1);
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true); // every lookup holds
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.False(r.IsValid);
        Assert.Equal(VerificationFailure.Matmul, r.Failure); // Phase 1: z_0 ≠ Σ K̃(r_c, k)·T(k)
    }

    [Fact]
    public void A_wrong_average_is_rejected()
    {
        var (c, pk, vk) = ConvProofTests.Setup("avg");
        var w = IntegerExecutor.Run(c, InferenceFixtures.Samples(32, 1, c.InputSize));
        // the global average pool (layer 2): channel 1 of [4][1][1]
        SetZ(c, w.Layers[2], c.Layers[2], 1, w.Layers[2].Z[1] + 3);
        RecomputeDenseOutput(c, w, 3);
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.False(r.IsValid);
        Assert.Equal(VerificationFailure.Conv, r.Failure); // its Phase-2 term: z_ℓ ≠ the window sum
    }

    /// <summary>The real input entries of max-pool output (channel 0, row 0, column 0) of the "max" circuit ([3][5][5] → [3][2][2], 2×2 stride 2).</summary>
    private static long[] Window(Witness w) { var a = w.Layers[0].A!; return [a[0], a[1], a[8], a[9]]; }

    [Fact]
    public void A_max_pool_output_above_every_entry_is_rejected()
    {
        var (c, pk, vk) = ConvProofTests.Setup("max");
        var w = IntegerExecutor.Run(c, InferenceFixtures.Samples(33, 1, c.InputSize));
        var y = w.Layers[1].A!;
        Assert.Equal(Window(w).Max(), y[0]);
        y[0] = Window(w).Max() + 1; // every window difference ≥ 1: in range, but none is 0
        RecomputeDenseOutput(c, w, 2);
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.False(r.IsValid);
        Assert.Equal(VerificationFailure.MaxPool, r.Failure);
    }

    [Fact]
    public void A_max_pool_output_that_is_not_the_maximum_is_rejected()
    {
        var (c, pk, vk) = ConvProofTests.Setup("max");
        // a sample whose first window has two different values
        Witness? w = null;
        for (int seed = 40; w == null; seed++)
        {
            var cand = IntegerExecutor.Run(c, InferenceFixtures.Samples(seed, 1, c.InputSize));
            if (Window(cand).Distinct().Count() > 1) w = cand;
        }
        var win = Window(w);
        w.Layers[1].A![0] = win.Where(v => v < win.Max()).Max(); // an entry of the window, but not its maximum
        RecomputeDenseOutput(c, w, 2);
        // the honest prover refuses (a negative window difference is outside the range segment)
        Assert.Throws<ZkMl.Proofs.Lookups.LogUpException>(() => InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true));
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: false);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.False(r.IsValid);
        // LogUp's Σ h_w = Σ h_t is two claims of the batched opening (docs/protocol.md "LogUp", "Sum check")
        Assert.Contains(r.Failure, new[] { VerificationFailure.Lookup, VerificationFailure.Opening });
    }

    [Fact]
    public void The_LeNet_example_proves_and_verifies_with_the_integer_executors_outputs()
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "lenet-mnist");
        var net = ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var calib = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, calib);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 2);
        Assert.Equal(VerifyingKey.SpatialVersion, vk.FormatVersion);
        var images = calib.Take(2).ToArray();
        var proof = InferenceProver.Prove(pk, images);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.True(r.IsValid, r.Reason);
        var io = proof.DecodePublicIO(vk);
        for (int s = 0; s < images.Length; s++)
            Assert.Equal(IntegerExecutor.Infer(c, c.QuantizeInput(images[s])), io.OutputRow(s).ToArray());
        // another image's statement with this proof is rejected
        var other = InferenceProver.Prove(pk, calib.Skip(2).Take(2).ToArray());
        Assert.False(InferenceVerifier.Verify(vk, InferenceProof.FromParts(vk.Digest, other.PublicInputs, proof.ProofBytes, proof.Flags)).IsValid);
    }
}
