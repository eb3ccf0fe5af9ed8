using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs.Commitments;
using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

/// <summary>
/// What a key claims to be (issue 14, "Keys and setups"): one model identity, the SRS origin in the key, and
/// what a known τ allows; plus the statement tests the protocol review found missing (B ± 1 rows, a padded row).
/// </summary>
public class KeyTrustTests
{
    /// <summary>A copy of <paramref name="net"/> whose last layer's output bias <paramref name="column"/> is shifted by <paramref name="delta"/>.</summary>
    private static Network ShiftOutputBias(Network net, int column, float delta)
    {
        var last = net.Layers[^1];
        var b = last.Bias.ToArray();
        b[column] += delta;
        return new Network([.. net.Layers.SkipLast(1), new DenseLayer(last.InputSize, last.OutputSize, last.Weights, b, last.Activation)], "shifted");
    }

    /// <summary>Compiles M and M′ = M with output bias 0 shifted by 0.5 on the same calibration data; only that bias differs.</summary>
    private static (Circuit M, Circuit Mp) ModelAndShifted(Network net, float[][] calib)
    {
        var m = CircuitCompiler.Compile(net, calib);
        var mp = CircuitCompiler.Compile(ShiftOutputBias(net, 0, 0.5f), calib);
        Assert.NotEqual(m.Layers[^1].Bias[0], mp.Layers[^1].Bias[0]);
        Assert.True(m.Layers[^1].Bias[1..].SequenceEqual(mp.Layers[^1].Bias[1..]));
        for (int l = 0; l < m.Layers.Count; l++) Assert.True(m.Layers[l].Weights.SequenceEqual(mp.Layers[l].Weights));
        return (m, mp);
    }

    /// <summary>Offset of the model commitments in a verifying key's bytes.</summary>
    private static int CommitmentsAt(VerifyingKey vk) => 12 + 32 + 32 + 44 * vk.Layers.Count + 16 + 4;

    private static byte[] WithDigestFixed(byte[] b)
    {
        SHA256.HashData(b.AsSpan(0, b.Length - 32), b.AsSpan(b.Length - 32));
        return b;
    }

    /// <summary>The proving key bytes with the verifying key part replaced (digest fixed).</summary>
    private static byte[] WithVk(byte[] pk, byte[] vk)
    {
        var parts = new List<byte[]>();
        int o = 12;
        for (int i = 0; i < 5; i++)
        {
            int len = BinaryPrimitives.ReadInt32LittleEndian(pk.AsSpan(o));
            parts.Add(pk.AsSpan(o + 4, len).ToArray());
            o += 4 + len;
        }
        parts[0] = vk;
        var ms = new MemoryStream();
        ms.Write(pk.AsSpan(0, 12));
        foreach (var p in parts) { ms.Write(BitConverter.GetBytes(p.Length)); ms.Write(p); }
        ms.Write(new byte[32]);
        return WithDigestFixed(ms.ToArray());
    }

    private static bool Contains(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++) if (hay.AsSpan(i, needle.Length).SequenceEqual(needle)) return true;
        return false;
    }

    private static readonly Lazy<(Circuit M, Circuit Mp, ProvingKey Pk, VerifyingKey Vk, ProvingKey PkP, VerifyingKey VkP, float[][] Samples)> Split = new(() =>
    {
        // 200 → 60 → 10: W_0 alone is 256 × 64 = 2^14 entries, so the model vector is split into 4 parts.
        var net = InferenceFixtures.Random(141, [200, 60, 10], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(142, 8, 200);
        var (m, mp) = ModelAndShifted(net, samples);
        var (pk, vk) = InferenceSetup.Run(m, InferenceFixtures.Srs, 2, fixedBaseTable: false);
        var (pkp, vkp) = InferenceSetup.Run(mp, InferenceFixtures.Srs, 2, fixedBaseTable: false);
        return (m, mp, pk, vk, pkp, vkp, samples);
    });

    [Fact]
    public void Split_model_identity_is_its_parts_and_the_shifted_bias_attack_is_refused()
    {
        var (m, _, pk, vk, pkp, vkp, samples) = Split.Value;
        Assert.Equal(4, vk.ModelCommitments.Count);
        Assert.Equal(vk.ModelCommitments, vk.ModelParts);
        // No whole-vector commitment in the key: the old C_model is not a field anymore.
        var whole = HyperKzg.CommitSmall(InferenceFixtures.Srs, InferenceSetup.BuildModel(m, vk.Shape));
        Assert.False(Contains(vk.ToBytes(), ZkMl.Algebra.Evm.EvmEncoding.EncodeG1(whole)));
        Assert.Equal(12 + 32 + 32 + 44 * vk.Layers.Count + 16 + 4 + 64 * 4 + 256 + SrsOrigin.EncodedLength + 32, vk.ToBytes().Length);
        // M and M′ differ in the parts, so in the digest.
        Assert.NotEqual(vk.ModelCommitments, vkp.ModelCommitments);
        Assert.NotEqual(vk.DigestHex, vkp.DigestHex);

        // The attack: M's key with M′'s part commitments. It is another key (another digest) ...
        var spliced = vk.ToBytes();
        vkp.ToBytes().AsSpan(CommitmentsAt(vkp), 64 * 4).CopyTo(spliced.AsSpan(CommitmentsAt(vk)));
        Assert.True(VerifyingKey.TryFromBytes(WithDigestFixed(spliced), out var forgedVk, out var why), why);
        Assert.NotEqual(vk.DigestHex, forgedVk!.DigestHex);
        // ... no proof of M′ verifies under M's key ...
        var proofP = InferenceProver.Prove(pkp, samples.Take(1).ToArray());
        Assert.True(InferenceVerifier.Verify(vkp, proofP).IsValid);
        Assert.Equal(VerificationFailure.KeyMismatch, InferenceVerifier.Verify(vk, proofP).Failure);
        Assert.False(InferenceVerifier.Verify(vk, InferenceProof.FromParts(vk.Digest, proofP.PublicInputs, proofP.ProofBytes, proofP.Flags)).IsValid);
        // ... and a proving key that pairs it with M's circuit is refused where keys are loaded.
        var e = Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(WithVk(pk.ToBytes(), forgedVk.ToBytes()), "pk.bin"));
        Assert.Contains("model part", e.Problem);
        Assert.Contains("is not the commitment", e.Problem);
        // The honest key still loads (the recommitment agrees).
        Assert.Equal(vk.DigestHex, ProvingKey.FromBytes(pk.ToBytes()).VerifyingKey.DigestHex);
    }

    [Fact]
    public void Unsplit_model_commitment_is_checked_when_a_proving_key_is_loaded()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        Assert.Single(vk.ModelCommitments);
        Assert.Empty(vk.ModelParts);
        var (_, mp) = ModelAndShifted(InferenceFixtures.Tiny(), InferenceFixtures.TinyInputs());
        var (_, vkp) = InferenceSetup.Run(mp, InferenceFixtures.Srs, 64);
        var spliced = vk.ToBytes();
        vkp.ToBytes().AsSpan(CommitmentsAt(vkp), 64).CopyTo(spliced.AsSpan(CommitmentsAt(vk)));
        var e = Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(WithVk(pk.ToBytes(), WithDigestFixed(spliced)), "pk.bin"));
        Assert.Contains("model commitment is not the commitment of the circuit's model vector", e.Problem);
    }

    [Fact]
    public void Origin_is_in_the_key_and_its_digest_and_old_versions_say_re_run_setup()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        Assert.True(vk.IsInsecure);
        Assert.Equal(SrsOrigin.Development, vk.Origin);
        var bytes = vk.ToBytes();
        int originAt = bytes.Length - 32 - SrsOrigin.EncodedLength;
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(originAt)));
        // Claiming a ceremony origin changes the digest: proofs made under the development key do not verify.
        var relabelled = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(relabelled.AsSpan(originAt), 1);
        Assert.True(VerifyingKey.TryFromBytes(WithDigestFixed(relabelled), out var claimed, out var why), why);
        Assert.False(claimed!.IsInsecure);
        Assert.NotEqual(vk.DigestHex, claimed.DigestHex);
        var proof = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(1).ToArray());
        Assert.False(InferenceVerifier.Verify(claimed, InferenceProof.FromParts(claimed.Digest, proof.PublicInputs, proof.ProofBytes, proof.Flags)).IsValid);
        // A proving key whose SRS origin disagrees with its verifying key is refused.
        var e = Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(WithVk(pk.ToBytes(), claimed.ToBytes()), "pk.bin"));
        Assert.Contains("SRS origin", e.Problem);
        var unknown = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(unknown.AsSpan(originAt), 5);
        Assert.False(VerifyingKey.TryFromBytes(WithDigestFixed(unknown), out _, out why));
        Assert.Contains("unknown kind 5", why);

        // Keys of the previous format: a clear message, not a parse error.
        var v3 = (byte[])bytes.Clone();
        v3[8] = 3;
        Assert.False(VerifyingKey.TryFromBytes(v3, out _, out why));
        Assert.Contains("made by an older zkml", why);
        Assert.Contains("re-run zkml setup", why);
        var pk3 = pk.ToBytes();
        pk3[8] = 3;
        Assert.Contains("made by an older zkml", Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(pk3, "pk.bin")).Problem);
        var v9 = (byte[])bytes.Clone();
        v9[8] = 9;
        Assert.False(VerifyingKey.TryFromBytes(v9, out _, out why));
        Assert.Contains("newer zkml", why);
    }

    /// <summary>τ of <c>Srs.CreateInsecureDev(d, seed)</c>: what anyone recomputes by trying the 2^31 seeds.</summary>
    private static Fr SeededTau(int seed)
    {
        var rng = new Random(seed);
        Fr tau;
        do tau = Fr.Random(rng); while (tau.IsZero);
        return tau;
    }

    /// <summary>
    /// With τ known, a proof of a false statement: tiny M's key (development SRS, seed 7), but outputs computed
    /// with M′ = M with output bias 0 shifted by 0.5. The model vector of M′ differs from M's in one bias entry;
    /// one entry outside every item (no claim reads it) gets −d·τ^(j−k), so M′'s vector has exactly M's commitment
    /// and the honest prover's proof for M′ verifies under M's key. Without τ (a wrong guess) it fails.
    /// This is why keys on a development SRS are flagged INSECURE.
    /// </summary>
    [Fact]
    public void With_a_known_tau_a_wrong_output_verifies_under_a_development_key()
    {
        var (c, pk, vk) = InferenceFixtures.TinySetup;
        Assert.True(vk.IsInsecure);
        var srs = InferenceFixtures.Srs;
        var tau = SeededTau(7);
        Assert.Equal(srs.G1Powers[1], G1Jacobian.Generator.ScalarMul(tau).ToAffine());

        var (_, mp) = ModelAndShifted(InferenceFixtures.Tiny(), InferenceFixtures.TinyInputs());
        var inputs = InferenceFixtures.TinyInputs().Take(2).ToArray();
        var honest = InferenceProver.Prove(pk, inputs);
        Assert.True(InferenceVerifier.Verify(vk, honest).IsValid);

        InferenceProof Forge(Fr guess)
        {
            var ml = vk.Shape.ModelLayout;
            var model = InferenceSetup.BuildModel(c, vk.Shape);
            var modelP = InferenceSetup.BuildModel(mp, vk.Shape);
            long j = ml.Offset(KeyShape.BiasItem(vk.Layers.Count - 1));
            long d = modelP[j] - model[j];
            Assert.NotEqual(0, d);
            // an entry that no item covers (the model vector is padded to a power of two)
            long k = Enumerable.Range(0, (int)ml.Length).First(i => Enumerable.Range(0, ml.Count).All(it => i < ml.Offset(it) || i >= ml.Offset(it) + ml.Size(it)));
            var fr = modelP.Select(Fr.FromInt64).ToArray();
            fr[k] = -Fr.FromInt64(d) * guess.Pow((int)j) * guess.Pow((int)k).Inverse();
            var cheat = new ProvingKey(vk, mp, pk.Srs, modelP, fr);
            return InferenceProver.Prove(cheat, inputs);
        }

        var forged = Forge(tau);
        var r = InferenceVerifier.Verify(vk, forged);
        Assert.True(r.IsValid, r.Reason);
        var yTrue = honest.DecodePublicIO(vk);
        var yForged = forged.DecodePublicIO(vk);
        Assert.True(yTrue.Inputs.SequenceEqual(yForged.Inputs));
        Assert.NotEqual(yTrue.OutputRow(0)[0], yForged.OutputRow(0)[0]);   // a false statement about M
        Assert.True(yTrue.OutputRow(0)[1..].SequenceEqual(yForged.OutputRow(0)[1..]));

        // Without τ the same construction fails (the commitment no longer matches).
        Assert.False(InferenceVerifier.Verify(vk, Forge(SeededTau(8))).IsValid);
    }

    private static readonly Lazy<(Circuit C, ProvingKey Pk, VerifyingKey Vk, float[][] Samples)> Odd = new(() =>
    {
        var net = InferenceFixtures.Random(31, [37, 23, 11], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(32, 12, 37);
        var c = CircuitCompiler.Compile(net, samples);
        var (pk, vk) = InferenceSetup.Run(c, InferenceFixtures.Srs, 8);
        return (c, pk, vk, samples);
    });

    [Fact]
    public void A_proof_restated_for_one_row_fewer_or_more_is_rejected()
    {
        // B = 6 pads to 8, and so do B − 1 = 5 and B + 1 = 7: same proof length, same Y rows.
        var (c, pk, vk, samples) = Odd.Value;
        var proof = InferenceProver.Prove(pk, samples.Take(6).ToArray());
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        var io = proof.DecodePublicIO(vk);
        Assert.Equal(8, io.PaddedBatch);
        int n = vk.InputSize;

        // B − 1: the sixth row becomes a padded row, whose output is not the output of a zero input.
        var fewer = PublicIO.Create(vk, 5, io.Inputs[..(5 * n)], io.Outputs);
        var r1 = InferenceVerifier.Verify(vk, fewer.Words, proof.ProofBytes);
        Assert.False(r1.IsValid);

        // B + 1 with a zero seventh row: a TRUE statement (row 6 already is the inference on a zero input), still
        // rejected because B and X are absorbed before every challenge.
        long[] x7 = [.. io.Inputs, .. new long[n]];
        var w = IntegerExecutor.RunQuantized(c, Enumerable.Range(0, 7).Select(r => x7.AsSpan(r * n, n).ToArray()).ToArray());
        Assert.True(InferenceProver.RealOutputs(w, vk).AsSpan().SequenceEqual(io.Outputs));
        var more = PublicIO.Create(vk, 7, x7, io.Outputs);
        var r2 = InferenceVerifier.Verify(vk, more.Words, proof.ProofBytes);
        Assert.False(r2.IsValid);
        // and a proof made for 7 rows verifies, with other bytes
        var seven = InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true);
        Assert.True(InferenceVerifier.Verify(vk, seven).IsValid);
        Assert.True(seven.PublicInputs.SequenceEqual(more.Words));
        Assert.False(seven.ProofBytes.SequenceEqual(proof.ProofBytes));
    }

    [Fact]
    public void A_wrong_activation_in_a_padded_batch_row_is_rejected()
    {
        // B = 3 pads to 4: row 3 is a padded row (a real inference on a zero input), part of the statement.
        var (c, pk, vk, samples) = Odd.Value;
        var table = c.Layers[0].Table!;

        // A off its table in the padded row: the lookup fails.
        var w = IntegerExecutor.Run(c, samples.Take(3).ToArray());
        var lw = w.Layers[0];
        int e = 3 * lw.Cols + 5;
        lw.A![e] = lw.A[e] == table.Lookup(table.QMax) ? lw.A[e] - 1 : lw.A[e] + 1;
        var r = InferenceVerifier.Verify(vk, InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: false));
        Assert.False(r.IsValid);

        // Q and A moved together along the table in the padded row (every lookup holds): relation (R) fails.
        w = IntegerExecutor.Run(c, samples.Take(3).ToArray());
        lw = w.Layers[0];
        e = Enumerable.Range(3 * lw.Cols, lw.Cols).First(i => lw.Q![i] + 1 <= table.QMax && table.Lookup(lw.Q[i] + 1) != lw.A![i]);
        lw.Q![e] += 1;
        lw.A![e] = table.Lookup(lw.Q[e]);
        r = InferenceVerifier.Verify(vk, InferenceProver.ProveWitness(pk, w, new ProverTimings(), checkLookups: true));
        Assert.False(r.IsValid);
        Assert.Equal(VerificationFailure.Matmul, r.Failure);
    }
}

/// <summary>A key made on the snarkjs test ceremony (shared <see cref="PtauFixture"/>) records that ceremony.</summary>
[Collection(PtauCollection.Name)]
public class CeremonyKeyTests(PtauFixture ptau)
{
    [Fact]
    public void Key_on_a_ceremony_file_records_its_origin()
    {
        // A circuit without lookups fits the power-8 test ceremony made with snarkjs (PtauFixture).
        var net = InferenceFixtures.Random(77, [3, 2], [Activation.None]);
        var samples = InferenceFixtures.Samples(78, 4, 3);
        var c = CircuitCompiler.Compile(net, samples);
        long powers = InferenceSetup.RequiredPowers(c, 1);
        var srs = Srs.FromPtau(ptau.Contributed, (int)powers - 1);
        var (pk, vk) = InferenceSetup.Run(c, srs, 1);
        Assert.False(vk.IsInsecure);
        Assert.Equal(srs.Origin, vk.Origin);
        Assert.Equal(1, vk.Origin.Contributions);
        Assert.NotNull(vk.Origin.CeremonyHashHex);
        Assert.True(VerifyingKey.TryFromBytes(vk.ToBytes(), out var back, out _));
        Assert.Equal(vk.Origin, back!.Origin);
        var loaded = ProvingKey.FromBytes(pk.ToBytes());
        Assert.Equal(vk.Origin, loaded.Srs.Origin);
        Assert.True(InferenceVerifier.Verify(vk, InferenceProver.Prove(loaded, samples.Take(1).ToArray())).IsValid);
    }
}
