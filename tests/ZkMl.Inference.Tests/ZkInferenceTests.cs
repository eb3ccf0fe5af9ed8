using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;
using ZkMl.TestKit;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Zero-knowledge proofs with public inputs (docs/zk-design.md §11 step 9; tests §10.1, §10.2, §10.6, §10.7(a)): completeness,
/// every proof element tampered, wrong output, another model's key, forced-cheating provers for lookups and limbs, the
/// rejected challenge events, two proofs that share no element, and the per-item selector rule.
/// </summary>
public class ZkInferenceTests
{
    private static ZkSetup Setup(Circuit c, int seed, int maxBatch = 8)
        => InferenceSetup.RunZk(c, InferenceFixtures.Srs, maxBatch, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(seed));

    private static readonly Lazy<(Circuit C, ZkSetup Z)> Tiny = new(() =>
    {
        var c = CircuitCompiler.Compile(InferenceFixtures.Tiny(), InferenceFixtures.TinyInputs(), new CompileOptions { Zk = ZkSettings.PublicInputs });
        return (c, Setup(c, 3));
    });

    /// <summary>37 → 23 → 11 (widths not powers of two: padded columns meet zero weight rows).</summary>
    private static readonly Lazy<(Circuit C, ZkSetup Z, float[][] Samples)> Odd = new(() =>
    {
        var net = InferenceFixtures.Random(31, [37, 23, 11], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(32, 12, 37);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PublicInputs });
        return (c, Setup(c, 4), samples);
    });

    /// <summary>mlp3 (docs/zk-design.md §10): 16 → 16 → 16 → 4, ReLU, equal hidden widths — where the row-MSB selector of A_ℓ would repeat (finding 2).</summary>
    internal static readonly Lazy<(Circuit C, ZkSetup Z, float[][] Samples)> Mlp3 = new(() =>
    {
        var net = InferenceFixtures.Random(77, [16, 16, 16, 4], [Activation.Relu, Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(78, 12, 16);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PublicInputs });
        return (c, Setup(c, 5), samples);
    });

    private static InferenceProof Prove(ProvingKey pk, float[][] samples, int seed)
        => InferenceProver.ProveZk(pk, samples.Select(x => pk.Circuit.QuantizeInput(x)).ToArray(), new ProverTimings(), new SeededRng(seed));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Tiny_proofs_verify(int batch)
    {
        var (_, z) = Tiny.Value;
        var proof = InferenceProver.Prove(z.ProvingKey, InferenceFixtures.TinyInputs().Take(batch).ToArray()); // the OS CSPRNG
        var r = InferenceVerifier.Verify(z.VerifyingKey, proof);
        Assert.True(r.IsValid, r.Reason);
        Assert.True(proof.IsZk);
        // The statement holds the B real output rows only (padded rows repeat row 0 and are not stated).
        Assert.Equal(PublicIO.ByteLength(z.VerifyingKey, batch), proof.PublicInputs.Length);
        // The proof file round trip (version 3, the flags word) keeps the verdict.
        Assert.True(InferenceProof.TryFromFileBytes(proof.ToFileBytes(), out var back, out var why), why);
        Assert.Equal(1u, back!.Flags);
        Assert.True(InferenceVerifier.Verify(z.VerifyingKey, back).IsValid);
    }

    [Fact]
    public void Odd_widths_and_three_layers_verify_at_several_batches()
    {
        var (_, z, samples) = Odd.Value;
        foreach (int batch in new[] { 1, 2, 5 })
        {
            var r = InferenceVerifier.Verify(z.VerifyingKey, Prove(z.ProvingKey, samples.Take(batch).ToArray(), batch));
            Assert.True(r.IsValid, $"B = {batch}: {r.Reason}");
        }
        var (_, z3, s3) = Mlp3.Value;
        foreach (int batch in new[] { 1, 4 })
        {
            var r = InferenceVerifier.Verify(z3.VerifyingKey, Prove(z3.ProvingKey, s3.Take(batch).ToArray(), 10 + batch));
            Assert.True(r.IsValid, $"mlp3 B = {batch}: {r.Reason}");
        }
    }

    /// <summary>The witness of a ZK proof: the batch with its padded rows copies of row 0.</summary>
    private static Witness PaddedWitness(Circuit c, float[][] samples)
    {
        int bp = Circuit.NextPowerOfTwo(samples.Length);
        return IntegerExecutor.Run(c, samples.Concat(Enumerable.Repeat(samples[0], bp - samples.Length)).ToArray());
    }

    private static InferenceProof ProveWitness(ProvingKey pk, Witness w, int batch, bool checkLookups, int seed)
        => ZkInference.Prove(pk, w, batch, new ProverTimings(), checkLookups, new SeededRng(seed));

    [Fact]
    public void Every_single_proof_element_changed_is_rejected()
    {
        var (_, z, samples) = Odd.Value;
        var vk = z.VerifyingKey;
        var proof = Prove(z.ProvingKey, samples.Take(2).ToArray(), 21);
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        var bytes = proof.ProofBytes.ToArray();
        Assert.Equal(new ZkShape(vk, 1).ProofLength(vk), bytes.Length);
        var points = ZkProofMutations.PointOffsets(vk, bytes.Length, 2);
        int count = 0, pointCount = 0;
        for (int o = 0; o < bytes.Length;)
        {
            int at = o;
            var bad = (byte[])bytes.Clone();
            if (points.Contains(o))
            {
                var q = EvmEncoding.DecodeG1(bytes.AsSpan(o, 64)) + G1Affine.Generator; // another valid point
                EvmEncoding.EncodeG1(q, bad.AsSpan(o, 64));
                o += 64;
                pointCount++;
            }
            else
            {
                (Fr.FromBytesBigEndian(bytes.AsSpan(o, 32)) + Fr.One).WriteBigEndian(bad.AsSpan(o, 32));
                o += 32;
            }
            Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, bad).IsValid, $"change at byte {at} accepted");
            count++;
        }
        Assert.True(count > 120 && pointCount >= 7, $"{count} elements, {pointCount} points");
        // Structural damage: truncated, extended, non-canonical scalar, off-curve point.
        Assert.Equal(VerificationFailure.Malformed, InferenceVerifier.Verify(vk, proof.PublicInputs, bytes.AsSpan(0, bytes.Length - 32)).Failure);
        Assert.Equal(VerificationFailure.Malformed, InferenceVerifier.Verify(vk, proof.PublicInputs, [.. bytes, .. new byte[32]]).Failure);
        var nonCanonical = (byte[])bytes.Clone();
        Fr.Modulus.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(nonCanonical, 256);
        Assert.Equal(VerificationFailure.Malformed, InferenceVerifier.Verify(vk, proof.PublicInputs, nonCanonical).Failure);
        var offCurve = (byte[])bytes.Clone();
        offCurve[63] ^= 1;
        Assert.Equal(VerificationFailure.Malformed, InferenceVerifier.Verify(vk, proof.PublicInputs, offCurve).Failure);
    }

    [Fact]
    public void Wrong_output_wrong_input_and_another_models_key_are_rejected()
    {
        var (c, z) = Tiny.Value;
        var vk = z.VerifyingKey;
        var proof = Prove(z.ProvingKey, InferenceFixtures.TinyInputs().Take(3).ToArray(), 22);
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        var io = proof.DecodePublicIO(vk);
        InferenceProof Reframe(long[] x, long[] y)
            => InferenceProof.FromParts(proof.VkDigest, PublicIO.Create(vk, io.BatchSize, x, y).Words, proof.ProofBytes, proof.Flags);
        var stated = io.Outputs[..(3 * vk.OutputColumns)].ToArray();
        for (int i = 0; i < stated.Length; i++)
        {
            var y = (long[])stated.Clone();
            y[i] += 1;
            Assert.False(InferenceVerifier.Verify(vk, Reframe(io.Inputs.ToArray(), y)).IsValid, $"output {i} changed accepted");
        }
        var x = io.Inputs.ToArray();
        x[1] = x[1] == vk.InputBound ? x[1] - 1 : x[1] + 1;
        Assert.False(InferenceVerifier.Verify(vk, Reframe(x, stated)).IsValid);
        // The same circuit set up again (other blindings: another VK) and another model.
        var other = Setup(c, 99);
        Assert.Equal(VerificationFailure.KeyMismatch, InferenceVerifier.Verify(other.VerifyingKey, proof).Failure);
        Assert.False(InferenceVerifier.Verify(other.VerifyingKey, proof.PublicInputs, proof.ProofBytes).IsValid);
        var (_, oz, _) = Odd.Value;
        Assert.False(InferenceVerifier.Verify(oz.VerifyingKey, proof.PublicInputs, proof.ProofBytes).IsValid);
        // A prover with another model's key (the other setup's blindings, the same weights) cannot reuse the VK either:
        var forged = Prove(other.ProvingKey, InferenceFixtures.TinyInputs().Take(3).ToArray(), 23);
        Assert.True(InferenceVerifier.Verify(other.VerifyingKey, forged).IsValid);
        Assert.False(InferenceVerifier.Verify(vk, forged.PublicInputs, forged.ProofBytes).IsValid);
    }

    [Fact]
    public void Forced_cheating_provers_for_limbs_Q_and_activations_are_rejected()
    {
        var (c, z, samples) = Odd.Value;
        var vk = z.VerifyingKey;
        // A remainder limb out of range (limb 0 + 2^c, limb 1 − 1: the remainder and relation R unchanged).
        var w = PaddedWitness(c, samples.Take(2).ToArray());
        var limbs = w.Layers[0].RemainderLimbs!;
        int e = Enumerable.Range(0, limbs[1].Length).First(i => limbs[1][i] >= 1);
        limbs[0][e] += 1L << c.LimbBits;
        limbs[1][e] -= 1;
        Assert.False(InferenceVerifier.Verify(vk, ProveWitness(z.ProvingKey, w, 2, checkLookups: false, 31)).IsValid);
        Assert.Throws<LogUpException>(() => ProveWitness(z.ProvingKey, w, 2, checkLookups: true, 32));
        // A Q that breaks the requantization relation (every lookup holds): the matmul claim catches it.
        w = PaddedWitness(c, samples.Take(2).ToArray());
        var lw = w.Layers[0];
        var table = c.Layers[0].Table!;
        e = Enumerable.Range(0, lw.Q!.Length).First(i => lw.Q[i] + 1 <= table.QMax);
        lw.Q[e] += 1;
        lw.A![e] = table.Lookup(lw.Q[e]);
        var r = InferenceVerifier.Verify(vk, ProveWitness(z.ProvingKey, w, 2, checkLookups: true, 33));
        Assert.False(r.IsValid);
        // An activation outside its table in a padded column (it meets a zero weight row: only the lookup sees it).
        w = PaddedWitness(c, samples.Take(2).ToArray());
        w.Layers[0].A![30] += 1;
        Assert.False(InferenceVerifier.Verify(vk, ProveWitness(z.ProvingKey, w, 2, checkLookups: false, 34)).IsValid);
        // The same witnesses untouched verify (the forced provers differ only in the tampered entry).
        Assert.True(InferenceVerifier.Verify(vk, ProveWitness(z.ProvingKey, PaddedWitness(c, samples.Take(2).ToArray()), 2, checkLookups: false, 35)).IsValid);
    }

    [Fact]
    public void A_padded_row_that_is_not_a_copy_of_row_0_is_refused()
    {
        var (c, z, samples) = Odd.Value;
        var w = IntegerExecutor.Run(c, samples.Take(4).ToArray()); // 4 rows, row 3 is not row 0
        var e = Assert.Throws<ArgumentException>(() => ZkInference.Prove(z.ProvingKey, w, 3, new ProverTimings(), true, null));
        Assert.Contains("not a copy of row 0", e.Message);
    }

    /// <summary>All 32-byte scalars and 64-byte points of a proof (docs/zk-design.md §10.6: two proofs of one witness share none).</summary>
    internal static HashSet<string> Elements(VerifyingKey vk, byte[] bytes, int batch)
    {
        var points = ZkProofMutations.PointOffsets(vk, bytes.Length, batch);
        var set = new HashSet<string>();
        for (int o = 0; o < bytes.Length;)
        {
            int len = points.Contains(o) ? 64 : 32;
            set.Add(Convert.ToHexString(bytes.AsSpan(o, len)));
            o += len;
        }
        return set;
    }

    [Fact]
    public void Two_proofs_of_the_same_witness_share_no_element_except_the_statement()
    {
        var (_, z, samples) = Odd.Value;
        var vk = z.VerifyingKey;
        var a = InferenceProver.Prove(z.ProvingKey, samples.Take(2).ToArray()); // the OS CSPRNG, twice
        var b = InferenceProver.Prove(z.ProvingKey, samples.Take(2).ToArray());
        Assert.True(a.PublicInputs.SequenceEqual(b.PublicInputs));
        var ea = Elements(vk, a.ProofBytes.ToArray(), 2);
        var eb = Elements(vk, b.ProofBytes.ToArray(), 2);
        Assert.True(ea.Count > 120);
        Assert.Empty(ea.Intersect(eb));
        // The default mode is deterministic: its two proofs are equal, so the comparison has teeth.
        var (_, pk, _) = InferenceFixtures.TinySetup;
        var d1 = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(1).ToArray());
        var d2 = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(1).ToArray());
        Assert.True(d1.ProofBytes.SequenceEqual(d2.ProofBytes));
    }

    [Fact]
    public void Rejected_challenge_events_are_rejected()
    {
        // κ_I ∈ {0, 1, ½} and equal selector values of A_ℓ (docs/zk-design.md §5.2, §7.1): the check both sides run.
        var (_, z, _) = Mlp3.Value;
        var vk = z.VerifyingKey;
        var zs = new ZkShape(vk, 2);
        var rnd = new Random(5);
        Fr R() => Fr.FromInt64(rnd.NextInt64(2, long.MaxValue));
        var rw = Enumerable.Range(0, zs.N).Select(_ => R()).ToArray();
        var kappa = Enumerable.Range(0, zs.I).Select(_ => R()).ToArray();
        Assert.Null(ZkInference.PointProblem(vk, zs, rw, kappa));
        foreach (var bad in new[] { Fr.Zero, Fr.One, Fr.FromInt64(2).Inverse() })
        {
            var k2 = (Fr[])kappa.Clone();
            k2[^1] = bad;
            Assert.Contains("κ_I", ZkInference.PointProblem(vk, zs, rw, k2));
        }
        for (int l = 0; l < zs.H; l++)
        {
            var k3 = (Fr[])kappa.Clone();
            k3[zs.I - vk.Layers[l + 1].InVars] = rw[zs.N - vk.Layers[l].OutVars];
            Assert.Contains("two selector values", ZkInference.PointProblem(vk, zs, rw, k3)); // (in mlp3 A_0 and A_1 use the same coordinates: separate items)
        }
    }

    [Fact]
    public void Each_hidden_activation_is_revealed_at_two_distinct_selector_values_and_the_row_msb_would_repeat()
    {
        // docs/zk-design.md §10.7(a) on mlp3 at B = 4: A_ℓ is revealed at p_ℓ (cols) and at (r_b, ρ_ℓ+1) (matmul). Its μ item
        // is affine, so the two revealed mask values μ(y1), μ(y2) are independent iff y1 ≠ y2 (the 2 × 2 matrix [1 − y, y]
        // has full rank). With the column MSB as selector they differ; the row MSB (finding 2) takes ONE challenge at both.
        var (_, z, samples) = Mlp3.Value;
        var vk = z.VerifyingKey;
        var proof = Prove(z.ProvingKey, samples.Take(4).ToArray(), 41);
        Fr[] rw = [], kappa = [];
        var r = ZkInference.Verify(vk, proof.PublicInputs, proof.ProofBytes, null, (a, k) => { rw = a; kappa = k; });
        Assert.True(r.IsValid, r.Reason);
        var zs = new ZkShape(vk, 2);
        int b = 2;
        for (int l = 0; l < zs.H; l++)
        {
            var p = InferenceProver.Suffix(rw, b + vk.Layers[l].OutVars);
            var y1 = p[b];                                             // column MSB at p_ℓ
            var y2 = kappa[zs.I - vk.Layers[l + 1].InVars];            // column MSB in the matmul of layer ℓ + 1
            var det = (Fr.One - y1) * y2 - y1 * (Fr.One - y2);          // det [1 − y1, y1; 1 − y2, y2] = y2 − y1
            Assert.False(det.IsZero, $"A_{l}: the two revealed mask functionals are dependent");
            // The row MSB of p_ℓ and of the matmul point of layer ℓ + 1: the same LogUp coordinate for ℓ + 1 hidden.
            if (l + 1 < zs.H)
            {
                var rowNext = InferenceProver.Suffix(rw, b + vk.Layers[l + 1].OutVars)[0];
                Assert.Equal(p[0], rowNext);
            }
        }
    }

    private static readonly Lazy<(Circuit C, ZkSetup Z, float[][] Samples)> Mnist = new(() =>
    {
        string dir = Path.Combine(TestKit.RepoPaths.Root, "circuits", "mnist-mlp");
        var net = ZkMl.Compiler.ModelLoader.Load(Path.Combine(dir, "model.onnx"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = ZkSettings.PublicInputs });
        return (c, Setup(c, 6, 4), samples);
    });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Mnist_mlp_proves_and_verifies_in_zk_mode(int batch)
    {
        var (c, z, samples) = Mnist.Value;
        var vk = z.VerifyingKey;
        var proof = InferenceProver.Prove(z.ProvingKey, samples.Take(batch).ToArray());
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.True(r.IsValid, r.Reason);
        // The stated outputs are the circuit's: its predictions, as the integer executor computes them.
        var w = IntegerExecutor.Run(c, samples.Take(batch).ToArray());
        var io = proof.DecodePublicIO(vk);
        Assert.Equal(w.Predictions(), Enumerable.Range(0, batch).Select(b =>
        {
            var row = io.OutputRow(b).ToArray();
            return Array.IndexOf(row, row.Max());
        }).ToArray());
        // Four model parts (k = 2) as separate vectors of the opening: N = 15 at B = 1 (docs/zk-design.md §5.6.2).
        Assert.Equal(4, vk.ModelCommitments.Count);
        if (batch == 1) Assert.Equal(15, new ZkShape(vk, 0).OpeningVars);
        var y = io.Outputs[..(batch * vk.OutputColumns)].ToArray();
        y[0] += 1;
        var bad = InferenceProof.FromParts(proof.VkDigest, PublicIO.Create(vk, batch, io.Inputs, y).Words, proof.ProofBytes, proof.Flags);
        Assert.False(InferenceVerifier.Verify(vk, bad).IsValid);
    }

    [Fact]
    public void A_proof_cannot_be_rebuilt_from_its_parts_without_its_flags()
    {
        // Review (issue 17): FromParts had an overload without flags, and `zkml demo`'s tampered copy (OnChain.Tamper) of a ZK
        // proof became a default-mode proof. Every public way to build a proof from parts takes the flags word now.
        var builders = typeof(InferenceProof).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(InferenceProof) && m.GetParameters().Any(p => p.Name == "proofBytes")).ToArray();
        Assert.NotEmpty(builders);
        Assert.All(builders, m => Assert.Contains(m.GetParameters(), p => p.Name == "flags"));
        Assert.All(typeof(InferenceProof).GetConstructors(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance),
            c => Assert.Contains(c.GetParameters(), p => p.Name == "flags"));

        var (_, z) = Tiny.Value;
        var vk = z.VerifyingKey;
        var proof = Prove(z.ProvingKey, InferenceFixtures.TinyInputs().Take(1).ToArray(), 41);
        var copy = InferenceProof.FromParts(proof.VkDigest, proof.PublicInputs, proof.ProofBytes, proof.Flags);
        Assert.True(copy.IsZk);
        Assert.Equal(proof.ToFileBytes(), copy.ToFileBytes());
        Assert.True(InferenceVerifier.Verify(vk, copy).IsValid);
        // The same parts with the flags dropped are another statement (a default-mode proof): rejected, not verified as ZK.
        var dropped = InferenceProof.FromParts(proof.VkDigest, proof.PublicInputs, proof.ProofBytes, 0);
        Assert.False(dropped.IsZk);
        Assert.False(InferenceVerifier.Verify(vk, dropped).IsValid);
    }
    /// <summary>
    /// S1 with public inputs (docs/protocol.md "Keys" → "ZK mode", the size of a key): W2 with its mask region (the Libra tables,
    /// the μ and ν items) can cross a power of two that the default mode's W2 stays under. 64 → 16 → 4 at max batch 64: the
    /// masked W2 is the opening's longest vector and longer than every vector of the default mode. Set up with the smallest
    /// SRS setup accepts for the batch, the key proves and verifies at it.
    /// </summary>
    [Fact]
    public void A_public_input_key_whose_masked_w2_is_its_longest_vector_proves_at_its_max_batch()
    {
        const int maxBatch = 64;
        var net = InferenceFixtures.Random(83, [64, 16, 4], [Activation.Relu, Activation.None]);
        var samples = InferenceFixtures.Samples(84, maxBatch, 64);
        var calibration = samples[..8];   // (the table sizes, hence the vectors' lengths, follow the calibrated scales)
        var c = CircuitCompiler.Compile(net, calibration, new CompileOptions { Zk = ZkSettings.PublicInputs });
        long powers = InferenceSetup.RequiredPowers(c, maxBatch);
        var z = InferenceSetup.RunZk(c, Srs.CreateInsecureDev((int)powers - 1, 95), maxBatch, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(96));
        var vk = z.VerifyingKey;
        Assert.Equal(maxBatch, vk.MaxBatch);
        var proof = Prove(z.ProvingKey, samples, 97);
        var r = InferenceVerifier.Verify(vk, proof);
        Assert.True(r.IsValid, r.Reason);
        // The premise: N is the masked W2's, above W1, the default W2 and a model part, and above the default mode's need.
        var zs = new ZkShape(vk, 6);
        Assert.Equal(zs.W2.NumVars, zs.OpeningVars);
        Assert.True(zs.OpeningVars > Math.Max(Math.Max(zs.Batch.W1!.NumVars, zs.Batch.W2!.NumVars), zs.PartVars));
        Assert.Equal(1L << zs.OpeningVars, powers);
        Assert.True(InferenceSetup.RequiredPowers(CircuitCompiler.Compile(net, calibration, new CompileOptions()), maxBatch) < powers);
    }

    /// <summary>
    /// The sizing rule on its own, for narrow and wide inputs, one and two hidden layers, public and private inputs, batches
    /// 1 … 1024: <see cref="InferenceSetup.RequiredPowers"/> covers 2^N of the ZK opening (and so the mask-point table of
    /// a key made on that SRS holds N) at every batch up to the max batch.
    /// </summary>
    [Fact]
    public void Required_powers_cover_the_zk_opening_at_every_batch()
    {
        int cases = 0, beyondDefault = 0;
        foreach (var zk in new[] { ZkSettings.PublicInputs, ZkSettings.PrivateInputs(rangeCheck: false) })
            foreach (int[] sizes in new[] { new[] { 16, 4, 4 }, new[] { 100, 4, 4 }, new[] { 300, 4, 4, 4 }, new[] { 64, 16, 4 }, new[] { 784, 4, 10 } })
            {
                var acts = Enumerable.Range(0, sizes.Length - 1).Select(i => i < sizes.Length - 2 ? Activation.Relu : Activation.None).ToArray();
                var net = InferenceFixtures.Random(83, sizes, acts);
                var samples = InferenceFixtures.Samples(84, 8, sizes[0]);
                var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = zk });
                var d = CircuitCompiler.Compile(net, samples, new CompileOptions());
                var layers = InferenceSetup.LayerKeys(c);
                var ks = InferenceSetup.ShapeOf(c, layers);
                for (int b = 0; b <= 10; b++)
                {
                    int n = ZkShape.FromParts(layers, ks, c.Zk, ks.ModelLayout.NumVars, b).OpeningVars;
                    long need = InferenceSetup.RequiredPowers(c, 1 << b);
                    Assert.True(need >= 1L << n, $"{zk} {string.Join("-", sizes)} B = {1 << b}: {need} powers for an opening over 2^{n}");
                    Assert.True(need >= InferenceSetup.RequiredPowers(d, 1 << b));
                    cases++;
                    if (need > InferenceSetup.RequiredPowers(d, 1 << b)) beyondDefault++;
                }
            }
        Assert.True(beyondDefault > 0 && beyondDefault < cases, $"{beyondDefault} of {cases} sizes beyond the default mode's: the sample has no teeth");
    }
}
