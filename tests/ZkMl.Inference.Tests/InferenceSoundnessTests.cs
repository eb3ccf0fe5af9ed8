using ZkMl.Algebra;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs.Commitments;
using ZkMl.Inference;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;

namespace ZkMl.Inference.Tests;

public class InferenceSoundnessTests
{
    private static readonly Lazy<(Circuit C, ProvingKey Pk, VerifyingKey Vk, float[][] Samples)> Odd = new(() =>
    {
        var net = InferenceFixtures.Random(31, [37, 23, 11], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(32, 12, 37);
        var c = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 8);
        return (c, pk, vk, samples);
    });

    private static InferenceProof Reframe(InferenceProof p, VerifyingKey vk, Func<long[], long[]>? x = null, Func<long[], long[]>? y = null, byte[]? proof = null)
    {
        var io = p.DecodePublicIO(vk);
        var nx = x?.Invoke(io.Inputs.ToArray()) ?? io.Inputs.ToArray();
        var ny = y?.Invoke(io.Outputs.ToArray()) ?? io.Outputs.ToArray();
        var words = PublicIO.Create(vk, io.BatchSize, nx, ny).Words;
        return InferenceProof.FromParts(p.VkDigest, words, proof ?? p.ProofBytes, p.Flags);
    }

    [Fact]
    public void Wrong_output_logit_is_rejected()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        var proof = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(3).ToArray());
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        for (int i = 0; i < 3 * vk.OutputSize; i += 4)
        {
            int k = i;
            var bad = Reframe(proof, vk, y: y => { y[k] += 1; return y; });
            Assert.False(InferenceVerifier.Verify(vk, bad).IsValid);
        }
        // a padded output row (a real inference on a zero input) is part of the statement too
        var padded = Reframe(proof, vk, y: y => { y[3 * vk.OutputSize] -= 1; return y; });
        Assert.False(InferenceVerifier.Verify(vk, padded).IsValid);
    }

    [Fact]
    public void Wrong_input_is_rejected()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        var proof = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(2).ToArray());
        var bad = Reframe(proof, vk, x: x => { x[5] = x[5] == vk.InputBound ? x[5] - 1 : x[5] + 1; return x; });
        var r = InferenceVerifier.Verify(vk, bad);
        Assert.False(r.IsValid);
    }

    [Fact]
    public void Batch_order_replay_is_rejected()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        var proof = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(4).ToArray());
        int n = vk.InputSize, m = vk.OutputSize;
        long[] Swap(long[] a, int w) { var r = (long[])a.Clone(); for (int i = 0; i < w; i++) (r[i], r[w + i]) = (r[w + i], r[i]); return r; }
        var swapped = Reframe(proof, vk, x: x => Swap(x, n), y: y => Swap(y, m));
        Assert.False(InferenceVerifier.Verify(vk, swapped).IsValid);
    }

    [Fact]
    public void Proof_for_another_model_is_rejected()
    {
        var net = InferenceFixtures.Tiny();
        var inputs = InferenceFixtures.TinyInputs();
        var (c1, pk1, vk1) = InferenceFixtures.TinySetup;
        // Same shapes and scales, one weight changed by one quantization step.
        var l0 = net.Layers[0];
        var w = l0.Weights.ToArray();
        int idx = Enumerable.Range(0, w.Length).First(i => Math.Abs(w[i]) < 0.5 * w.Max(Math.Abs));
        w[idx] += (float)c1.Layers[0].WeightScale * 3;
        var net2 = new Network([new DenseLayer(l0.InputSize, l0.OutputSize, w, l0.Bias, l0.Activation), .. net.Layers.Skip(1)], "tiny2");
        var c2 = CircuitCompiler.Compile(net2, inputs);
        int diff = 0;
        for (int i = 0; i < w.Length; i++) if (c1.Layers[0].Weights[i] != c2.Layers[0].Weights[i]) diff++;
        Assert.Equal(1, diff);
        var (pk2, vk2) = InferenceSetup.Run(c2, InferenceFixtures.Srs, 64);
        var proof2 = InferenceProver.Prove(pk2, inputs.Take(2).ToArray());
        Assert.True(InferenceVerifier.Verify(vk2, proof2).IsValid);
        Assert.Equal(VerificationFailure.KeyMismatch, InferenceVerifier.Verify(vk1, proof2).Failure);
        // Stamped with the first key's digest, the proof still fails: the transcript and the model commitment differ.
        var restamped = InferenceProof.FromParts(vk1.Digest, proof2.PublicInputs, proof2.ProofBytes, proof2.Flags);
        Assert.False(InferenceVerifier.Verify(vk1, restamped).IsValid);
        // A prover that claims the first key but computes with the changed weights is caught by the model opening.
        var cheat = new ProvingKey(vk1, c2, pk2.Srs, InferenceSetup.BuildModel(c2, vk1.Shape));
        var forged = InferenceProver.Prove(cheat, inputs.Take(2).ToArray());
        var r = InferenceVerifier.Verify(vk1, forged);
        Assert.False(r.IsValid);
    }

    [Fact]
    public void Every_single_proof_element_mutated_is_rejected()
    {
        var (_, pk, vk, samples) = Odd.Value;
        var proof = InferenceProver.Prove(pk, samples.Take(2).ToArray());
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        var bytes = proof.ProofBytes.ToArray();
        var points = PointOffsets(vk, bytes.Length, 2);
        int checkedCount = 0;
        for (int o = 0; o < bytes.Length;)
        {
            int at = o;
            var bad = (byte[])bytes.Clone();
            if (points.Contains(o))
            {
                var p = ZkMl.Algebra.Evm.EvmEncoding.DecodeG1(bytes.AsSpan(o, 64));
                var q = p + G1Affine.Generator;
                ZkMl.Algebra.Evm.EvmEncoding.EncodeG1(q, bad.AsSpan(o, 64));
                o += 64;
            }
            else
            {
                var v = Fr.FromBytesBigEndian(bytes.AsSpan(o, 32)) + Fr.One;
                v.WriteBigEndian(bad.AsSpan(o, 32));
                o += 32;
            }
            var r = InferenceVerifier.Verify(vk, InferenceProof.FromParts(proof.VkDigest, proof.PublicInputs, bad, proof.Flags));
            Assert.False(r.IsValid, $"mutation at byte {at} accepted");
            checkedCount++;
        }
        Assert.True(checkedCount > 100);
        // Structural damage: truncated, extended, non-canonical element, off-curve point.
        Assert.Equal(VerificationFailure.Malformed, InferenceVerifier.Verify(vk, proof.PublicInputs, bytes.AsSpan(0, bytes.Length - 32)).Failure);
        Assert.Equal(VerificationFailure.Malformed, InferenceVerifier.Verify(vk, proof.PublicInputs, [.. bytes, .. new byte[32]]).Failure);
        var nonCanonical = (byte[])bytes.Clone();
        Fr.Modulus.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(nonCanonical, 128 + 32 - 32);
        Assert.Equal(VerificationFailure.Malformed, InferenceVerifier.Verify(vk, proof.PublicInputs, nonCanonical).Failure);
        var offCurve = (byte[])bytes.Clone();
        offCurve[63] ^= 1;
        Assert.Equal(VerificationFailure.Malformed, InferenceVerifier.Verify(vk, proof.PublicInputs, offCurve).Failure);
    }

    /// <summary>Byte offsets of the G1 points in a proof: C1, C2, the HyperKZG folds and witnesses.</summary>
    private static HashSet<int> PointOffsets(VerifyingKey vk, int length, int batch)
    {
        var set = new HashSet<int> { 0, 64 };
        var bs = new BatchShape(vk, System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch)));
        int n = ProofParts.JointVars(vk, bs);
        int kzgStart = length - HyperKzgProof.EncodedLength(n);
        for (int i = 0; i < HyperKzg.OpenedLevels(n) - 1 + 2; i++) set.Add(kzgStart + 64 * i);
        return set;
    }

    [Fact]
    public void Remainder_limb_out_of_range_is_rejected()
    {
        var (c, pk, vk, samples) = Odd.Value;
        var w = IntegerExecutor.Run(c, samples.Take(2).ToArray());
        Tamper(w, c);
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: false);
        Assert.False(InferenceVerifier.Verify(vk, proof).IsValid);
        // The honest prover refuses such a witness outright.
        Assert.Throws<LogUpException>(() => InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true));
    }

    /// <summary>Moves 2^c from limb 1 into limb 0 of one entry: the remainder (and relation R) is unchanged, limb 0 leaves [0, 2^c).</summary>
    private static void Tamper(Witness w, Circuit c)
    {
        var limbs = w.Layers[0].RemainderLimbs!;
        int e = Enumerable.Range(0, limbs[1].Length).First(i => limbs[1][i] >= 1);
        limbs[0][e] += 1L << c.LimbBits;
        limbs[1][e] -= 1;
    }

    [Fact]
    public void Q_that_breaks_the_requantization_relation_is_rejected()
    {
        // Q is not committed: only the matmul claim z_ℓ derived from Q(p) ties it to Z. Shift one Q by one
        // within its table and set A to the table's value, so every lookup still holds.
        var (c, pk, vk, samples) = Odd.Value;
        var w = IntegerExecutor.Run(c, samples.Take(2).ToArray());
        var lw = w.Layers[0];
        var table = c.Layers[0].Table!;
        int e = Enumerable.Range(0, lw.Q!.Length).First(i => lw.Q[i] + 1 <= table.QMax);
        lw.Q[e] += 1;
        lw.A![e] = table.Lookup(lw.Q[e]);
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.False(r.IsValid);
        Assert.Equal(VerificationFailure.Matmul, r.Failure);
    }

    [Fact]
    public void Activation_outside_its_table_is_rejected()
    {
        var (c, pk, vk, samples) = Odd.Value;
        var w = IntegerExecutor.Run(c, samples.Take(2).ToArray());
        var lw = w.Layers[0];
        // A padded column of the hidden layer (23 real of 32) meets a zero weight row of the next
        // layer, so only the lookup can notice a wrong A there.
        int e = 0 * lw.Cols + 30;
        lw.A![e] += 1;
        var proof = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: false);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.False(r.IsValid);
    }

    [Fact]
    public void Out_of_range_public_input_and_bad_statement_words_are_rejected()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        var proof = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(1).ToArray());
        var words = proof.PublicInputs.ToArray();
        var big = (byte[])words.Clone();
        big[32] = 0x80; // X[0] = −128, outside ±127
        Assert.Equal(VerificationFailure.PublicInputs, InferenceVerifier.Verify(vk, big, proof.ProofBytes).Failure);
        var batch0 = (byte[])words.Clone();
        batch0[31] = 0;
        Assert.Equal(VerificationFailure.PublicInputs, InferenceVerifier.Verify(vk, batch0, proof.ProofBytes).Failure);
        Assert.Equal(VerificationFailure.PublicInputs, InferenceVerifier.Verify(vk, words.AsSpan(0, words.Length - 32), proof.ProofBytes).Failure);
        var pad = (byte[])words.Clone();
        pad[^1] = 1;
        Assert.Equal(VerificationFailure.PublicInputs, InferenceVerifier.Verify(vk, pad, proof.ProofBytes).Failure);
    }
}
