using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.TestKit;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Keys of zero-knowledge circuits (docs/zk-design.md §11 step 8; tests §10.9 and §10.12): VK/PK version 6, hiding model
/// parts, model.secret and the model opening, the SRS provenance verdicts at setup, and the refusal to prove.
/// </summary>
public class ZkKeyTests
{
    /// <summary>200 → 64 → 10: a model vector of 2^14 entries, so k = 2 and four parts; part 2 holds W₀'s rows 128 … 191.</summary>
    private static Network Split(int seed) => InferenceFixtures.Random(seed, [200, 64, 10], [Activation.Relu, Activation.None]);

    private static readonly float[][] SplitData = InferenceFixtures.Samples(40, 12, 200);

    private static Circuit Compile(Network net, float[][] data, ZkSettings zk) => CircuitCompiler.Compile(net, data, new CompileOptions { Zk = zk });

    private static ZkSetup Setup(Circuit c, int seed = 1, Srs? srs = null, int maxBatch = 4)
        => InferenceSetup.RunZk(c, srs ?? InferenceFixtures.Srs, maxBatch, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(seed));

    private static readonly Lazy<(Circuit Circuit, ZkSetup Setup)> SplitKeys = new(() =>
    {
        var c = Compile(Split(5), SplitData, ZkSettings.PrivateInputs());
        return (c, Setup(c));
    });

    private static readonly Lazy<(Circuit Circuit, ZkSetup Setup)> TinyKeys = new(() =>
    {
        var c = Compile(InferenceFixtures.Tiny(), InferenceFixtures.TinyInputs(), ZkSettings.PublicInputs);
        return (c, Setup(c, 2));
    });

    [Fact]
    public void Zk_keys_are_version_6_with_flags_H_and_the_public_circuit_digest()
    {
        var (c, z) = SplitKeys.Value;
        var vk = z.VerifyingKey;
        var b = vk.ToBytes();
        Assert.Equal(VerifyingKey.ZkVersion, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8)));
        Assert.Equal(1u | 2u | 4u | 8u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(12)));
        Assert.Equal(c.PublicDigest, b[16..48]);
        Assert.Equal(c.PublicDigest, vk.CircuitDigest);
        Assert.NotEqual(c.Digest, vk.CircuitDigest);
        Assert.Equal(InferenceFixtures.Srs.BlindingBase, vk.BlindingBase);
        Assert.Equal(2, VerifyingKey.ModelSplitBits(vk.ModelVars));
        Assert.Equal(4, vk.ModelCommitments.Count);
        Assert.Equal(ZkSettings.PrivateInputs(), vk.Zk);
        Assert.Equal(BlindingBaseVerdict.Development, z.Provenance.Verdict);
        // Round trip; the key shape has the input segment of the range check.
        Assert.True(VerifyingKey.TryFromBytes(b, out var back, out var why), why);
        Assert.Equal(vk.Digest, back!.Digest);
        Assert.Equal(vk.Zk, back.Zk);
        Assert.Equal(vk.BlindingBase, back.BlindingBase);
        Assert.True(back.Shape.InputItem >= 0 && back.Shape.FillerItem >= 0);
        Assert.Equal(8, back.Shape.TableLayout!.LogSize(back.Shape.InputItem));
        Assert.Equal(back.Shape.T + 2, back.Shape.InputTag);
        // Public inputs: no input segment; widths padded to 4 in the layer keys.
        var tinyVk = TinyKeys.Value.Setup.VerifyingKey;
        Assert.Equal(-1, tinyVk.Shape.InputItem);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(tinyVk.ToBytes().AsSpan(12)));
        Assert.All(tinyVk.Layers, l => Assert.True(l.InVars >= 2 && l.OutVars >= 2));
        Assert.Equal(2, tinyVk.Layers[^1].OutVars); // tiny's 3 outputs, padded to 4
    }

    [Fact]
    public void Default_keys_stay_version_4_and_a_zk_circuit_needs_RunZk()
    {
        var (c, pk, vk) = InferenceFixtures.TinySetup;
        Assert.Equal(VerifyingKey.Version, BinaryPrimitives.ReadUInt32LittleEndian(vk.ToBytes().AsSpan(8)));
        Assert.Equal(ProvingKey.Version, BinaryPrimitives.ReadUInt32LittleEndian(pk.ToBytes().AsSpan(8)));
        Assert.False(vk.IsZk);
        Assert.Null(vk.BlindingBase);
        Assert.Equal(c.Digest, vk.CircuitDigest);
        var zkCircuit = TinyKeys.Value.Circuit;
        Assert.Contains("zero-knowledge circuit", Assert.Throws<ArgumentException>(() => InferenceSetup.Run(zkCircuit, InferenceFixtures.Srs, 4)).Message);
        Assert.Contains("not a zero-knowledge circuit", Assert.Throws<ArgumentException>(() => InferenceSetup.RunZk(c, InferenceFixtures.Srs, 4)).Message);
    }

    [Fact]
    public void The_vk_holds_no_unblinded_commitment_of_the_weights()
    {
        var (c, z) = SplitKeys.Value;
        var vk = z.VerifyingKey;
        var bytes = vk.ToBytes();
        var model = InferenceSetup.BuildModel(c, vk.Shape);
        int parts = vk.ModelCommitments.Count, len = model.Length / parts;
        var plain = new List<G1Affine> { HyperKzg.CommitSmall(InferenceFixtures.Srs, model) };
        for (int j = 0; j < parts; j++) plain.Add(HyperKzg.CommitSmall(InferenceFixtures.Srs, model.AsSpan(j * len, len)));
        foreach (var p in plain)
        {
            Assert.DoesNotContain(p, vk.ModelCommitments);
            // (an all-zero part commits to the point at infinity, encoded as 64 zero bytes: zeros elsewhere in the key are not a commitment)
            if (!p.IsInfinity) Assert.False(Contains(bytes, EvmEncoding.EncodeG1(p)), "the VK bytes contain an unblinded model commitment");
        }
        Assert.True(plain.Skip(1).Count(p => !p.IsInfinity) >= 2);
        // Each part is the unblinded one plus s_j·H (the hiding commitment of that part).
        for (int j = 0; j < parts; j++)
            Assert.Equal(vk.ModelCommitments[j], (G1Jacobian.FromAffine(plain[j + 1]) + G1Jacobian.FromAffine(vk.BlindingBase!.Value).ScalarMul(z.Secret.Blindings[j])).ToAffine());
        // The default-mode key of the same weights holds exactly those unblinded commitments: the comparison has teeth.
        var (_, dvk) = InferenceSetup.Run(CircuitCompiler.Compile(Split(5), SplitData), InferenceFixtures.Srs, 4, fixedBaseTable: false);
        Assert.Equal(plain.Skip(1), dvk.ModelCommitments);
    }

    private static bool Contains(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
            if (hay.AsSpan(i, needle.Length).SequenceEqual(needle)) return true;
        return false;
    }

    [Fact]
    public void Two_setups_give_different_blindings_and_vks()
    {
        var c = TinyKeys.Value.Circuit;
        var a = InferenceSetup.RunZk(c, InferenceFixtures.Srs, 4); // the OS CSPRNG
        var b = InferenceSetup.RunZk(c, InferenceFixtures.Srs, 4);
        Assert.NotEqual(a.Secret.Blindings[0], b.Secret.Blindings[0]);
        Assert.NotEqual(a.VerifyingKey.ModelCommitments[0], b.VerifyingKey.ModelCommitments[0]);
        Assert.NotEqual(a.VerifyingKey.Digest, b.VerifyingKey.Digest);
        // Both open with their own secret, not with the other's.
        Assert.True(ModelOpening.Check(a.VerifyingKey, c, a.Secret, InferenceFixtures.Srs).IsValid);
        Assert.True(ModelOpening.Check(b.VerifyingKey, c, b.Secret, InferenceFixtures.Srs).IsValid);
        var swapped = new ModelSecret(a.VerifyingKey.Digest, b.Secret.Blindings);
        Assert.False(ModelOpening.Check(a.VerifyingKey, c, swapped, InferenceFixtures.Srs).IsValid);
    }

    [Fact]
    public void Open_model_accepts_the_setups_secret_and_rejects_a_wrong_blinding()
    {
        var (c, z) = SplitKeys.Value;
        var ok = ModelOpening.Check(z.VerifyingKey, c, z.Secret, InferenceFixtures.Srs);
        Assert.True(ok.IsValid, ok.Reason);
        for (int j = 0; j < 4; j++)
        {
            var bl = z.Secret.Blindings.ToArray();
            bl[j] += Fr.One;
            var r = ModelOpening.Check(z.VerifyingKey, c, new ModelSecret(z.VerifyingKey.Digest, bl), InferenceFixtures.Srs);
            Assert.False(r.IsValid);
            Assert.Equal([j], r.FailingParts);
            Assert.Contains($"model part {j} does not open", r.Reason);
        }
    }

    [Fact]
    public void Open_model_rejects_a_secret_for_another_vk_and_another_circuit()
    {
        var (c, z) = SplitKeys.Value;
        var other = TinyKeys.Value.Setup;
        var r = ModelOpening.Check(z.VerifyingKey, c, other.Secret, InferenceFixtures.Srs);
        Assert.False(r.IsValid);
        Assert.Contains("another verifying key", r.Reason);
        // Same blindings, but a secret that names another key's digest.
        var relabelled = new ModelSecret(other.VerifyingKey.Digest, z.Secret.Blindings);
        Assert.Contains("another verifying key", ModelOpening.Check(z.VerifyingKey, c, relabelled, InferenceFixtures.Srs).Reason);
        // A circuit of another shape, and the same model compiled without the private-input flag.
        Assert.Contains("public-circuit digest", ModelOpening.Check(z.VerifyingKey, TinyKeys.Value.Circuit, z.Secret, InferenceFixtures.Srs).Reason);
        Assert.Contains("public-circuit digest", ModelOpening.Check(z.VerifyingKey, Compile(Split(5), SplitData, ZkSettings.PublicInputs), z.Secret, InferenceFixtures.Srs).Reason);
        // Another SRS.
        Assert.Contains("SRS", ModelOpening.Check(z.VerifyingKey, c, z.Secret, Srs.CreateInsecureDev((1 << 15) - 1, 99)).Reason);
    }

    /// <summary>A circuit equal to <paramref name="c"/> except W₀[row, col] moved one step towards 0 (bounds re-derived), so its public digest is unchanged.</summary>
    private static Circuit ChangeWeight(Circuit c, int row, int col)
    {
        var bytes = CircuitFile.ToBytes(c);
        var l0 = c.Layers[0];
        int m = l0.OutputSize, n = l0.InputSize;
        // Content: 3 flag bytes, name, wb ab lb inputSize (16), inputScale (8), layer count (4), then layer 0: kind (4), name "" (1),
        // isOutput (1), in/out/act (12), 4 scales (32), M (8), k limbs (8), zBound aMin aMax (24), W, b, zMin, zMax.
        int nameLen = System.Text.Encoding.UTF8.GetByteCount(c.Name ?? "");
        Assert.True(nameLen < 128);
        int w0 = 20 + 3 + 1 + nameLen + 16 + 8 + 4 + 4 + 1 + (l0.Name is null ? 0 : throw new InvalidOperationException("named layer")) + 1 + 12 + 32 + 8 + 8 + 24;
        long Read(int at) => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at));
        void Write(int at, long v) => BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), v);
        int wAt = w0 + 8 * (row * m + col);
        long w = Read(wAt);
        Assert.Equal(l0.Weights[row * m + col], w);
        Assert.NotEqual(0, w);
        long nw = w - Math.Sign(w);
        Write(wAt, nw);
        // Inputs lie in ±InputBound: the column's bounds move by |w|·qa − |nw|·qa on each side.
        long delta = (Math.Abs(w) - Math.Abs(nw)) * c.InputBound;
        int zMinAt = w0 + 8 * (n * m + m + col), zMaxAt = w0 + 8 * (n * m + 2 * m + col);
        Write(zMinAt, Read(zMinAt) + delta);
        Write(zMaxAt, Read(zMaxAt) - delta);
        ulong len = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12));
        SHA256.HashData(bytes.AsSpan(20, (int)len)).CopyTo(bytes, 20 + (int)len);
        return CircuitFile.FromBytes(bytes, "changed.zkc");
    }

    /// <summary>The model part that holds W₀[row, ·] (from the key's layout).</summary>
    private static int PartOf(VerifyingKey vk, int row)
    {
        var ml = vk.Shape.ModelLayout;
        long at = ml.Offset(KeyShape.WeightItem(0)) + ((long)row << vk.Layers[0].OutVars);
        return (int)(at / (ml.Length / vk.ModelCommitments.Count));
    }

    /// <summary>A column whose bounds are not the largest (so zBound, a public constant, stays) and a non-zero weight of it in the last rows.</summary>
    private static (int Row, int Col) WeightToChange(Circuit c, bool lastRows)
    {
        var l0 = c.Layers[0];
        long bound(int j) => Math.Max(Math.Abs(l0.ZMin[j]), Math.Abs(l0.ZMax[j]));
        int col = Enumerable.Range(0, l0.OutputSize).OrderBy(bound).First();
        var rows = Enumerable.Range(0, l0.InputSize);
        int row = (lastRows ? rows.Reverse() : rows).First(i => l0.Weights[i * l0.OutputSize + col] != 0);
        return (row, col);
    }

    [Fact]
    public void Open_model_rejects_a_changed_weight_naming_its_part()
    {
        var (c, z) = SplitKeys.Value;
        foreach (bool last in new[] { true, false })
        {
            var (row, col) = WeightToChange(c, last);
            var changed = ChangeWeight(c, row, col);
            Assert.Equal(c.PublicDigest, changed.PublicDigest);
            Assert.NotEqual(c.Digest, changed.Digest);
            var r = ModelOpening.Check(z.VerifyingKey, changed, z.Secret, InferenceFixtures.Srs);
            Assert.False(r.IsValid);
            int part = PartOf(z.VerifyingKey, row);
            Assert.Equal([part], r.FailingParts);
            Assert.Contains($"model part {part} does not open", r.Reason);
        }
        Assert.NotEqual(PartOf(z.VerifyingKey, WeightToChange(c, true).Row), PartOf(z.VerifyingKey, WeightToChange(c, false).Row));
    }

    [Fact]
    public void Open_model_rejects_a_vk_whose_part_2_commits_another_models_part_2()
    {
        var (c, z) = SplitKeys.Value;
        // Another model of the same shape and public metadata, differing in one part p (the design's "part 2": here the part
        // that holds W₀'s last rows).
        var (row, col) = WeightToChange(c, lastRows: true);
        var other = ChangeWeight(c, row, col);
        var otherSetup = Setup(other, seed: 9);
        var vk = z.VerifyingKey;
        int p = PartOf(vk, row);
        var mixed = vk.ModelCommitments.ToArray();
        mixed[p] = otherSetup.VerifyingKey.ModelCommitments[p];
        var blindings = z.Secret.Blindings.ToArray();
        blindings[p] = otherSetup.Secret.Blindings[p];
        var forged = new VerifyingKey(vk.CircuitDigest, vk.LimbBits, vk.ActBits, vk.InputSize, vk.OutputSize, vk.MaxBatch, vk.XBytes, vk.YBytes,
            [.. vk.Layers], vk.InputScale, vk.OutputScale, vk.ModelVars, mixed, vk.Kzg, vk.Origin, vk.Zk, vk.BlindingBase);
        var secret = new ModelSecret(forged.Digest, blindings);
        var r = ModelOpening.Check(forged, c, secret, InferenceFixtures.Srs);
        Assert.False(r.IsValid);
        Assert.Equal([p], r.FailingParts);
        Assert.Contains($"model part {p} does not open", r.Reason);
        // The two models agree outside part p, so the mixed key is a key of the other model: it opens there, and only there.
        Assert.True(ModelOpening.Check(forged, other, secret, InferenceFixtures.Srs).IsValid);
        // The ZK VK has no whole-model commitment: exactly the four parts (and H) after the model vector size.
        Assert.Equal(VerifyingKey.ByteLength(vk.Layers.Count, 4, zk: true), vk.ToBytes().Length);
    }

    [Fact]
    public void Proving_keys_round_trip_with_the_blindings_and_refuse_tampering()
    {
        var (c, z) = TinyKeys.Value;
        var bytes = z.ProvingKey.ToBytes();
        Assert.Equal(ProvingKey.ZkVersion, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        var back = ProvingKey.FromBytes(bytes);
        Assert.Equal(z.VerifyingKey.Digest, back.VerifyingKey.Digest);
        Assert.Equal(z.Secret.Blindings, back.ModelBlindings!);
        Assert.Equal(z.VerifyingKey.BlindingBase, back.Srs.BlindingBase);
        Assert.Equal(bytes, back.ToBytes());
        // The blinding is the last 32 bytes of the sixth part, before the mask points (the seventh): change it, reseal, and
        // the recommitment check names the part.
        var bad = (byte[])bytes.Clone();
        bad[bad.Length - 32 - 4 - z.ProvingKey.ZkMasks!.ToBytes().Length - 1] ^= 1;
        SHA256.HashData(bad.AsSpan(0, bad.Length - 32)).CopyTo(bad, bad.Length - 32);
        Assert.Contains("model commitment is not the commitment", Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(bad)).Message);
        // A version-6 PK relabelled version 4 is refused (digest over the version, then the part count).
        var relabel = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(relabel.AsSpan(8), ProvingKey.Version);
        SHA256.HashData(relabel.AsSpan(0, relabel.Length - 32)).CopyTo(relabel, relabel.Length - 32);
        Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(relabel));
        Assert.NotNull(c);
    }

    [Fact]
    public void Vk_flags_and_versions_are_checked()
    {
        var b = TinyKeys.Value.Setup.VerifyingKey.ToBytes();
        // Any flag bit flipped: the SHA-256 trailer no longer matches.
        for (int bit = 0; bit < 32; bit++)
        {
            var f = (byte[])b.Clone();
            f[12 + bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(VerifyingKey.TryFromBytes(f, out _, out var r));
            Assert.Contains("digest", r);
        }
        string Resealed(Action<byte[]> edit)
        {
            var f = (byte[])b.Clone();
            edit(f);
            SHA256.HashData(f.AsSpan(0, f.Length - 32)).CopyTo(f, f.Length - 32);
            Assert.False(VerifyingKey.TryFromBytes(f, out _, out var r));
            return r!;
        }
        Assert.Contains("unknown flags", Resealed(f => f[12] |= 16));
        // bit 3 (column-major private input) goes with bit 1: a private key without it is an older zkml's row-major X′
        Assert.Contains("made before the column-major private input", Resealed(f => f[12] = 1 | 2));
        Assert.Contains("made before the column-major private input", Resealed(f => f[12] = 1 | 2 | 4));
        Assert.Contains("without bit 1", Resealed(f => f[12] = 1 | 8));
        Assert.Contains("bit 0 must be set", Resealed(f => f[12] = 0));
        Assert.Contains("applies to private inputs only", Resealed(f => f[12] = 1 | 4));
        Assert.NotEmpty(Resealed(f => BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(8), VerifyingKey.Version))); // read as version 4: the layout does not fit
        Assert.NotEmpty(Resealed(f => BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(8), VerifyingKey.SpatialVersion))); // read as a conv key: the layout does not fit
        Assert.Contains("unsupported verifying key version 7", Resealed(f => BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(8), 7)));
        // H = G (α = 1) or ±[τ]₁: refused by the reader.
        int hAt = b.Length - 32 - SrsOrigin.EncodedLength - 256 - 64 - 64;
        Assert.Contains("±G", Resealed(f => EvmEncoding.EncodeG1(G1Affine.Generator).CopyTo(f, hAt)));
        Assert.Contains("±[τ]₁", Resealed(f => EvmEncoding.EncodeG1(InferenceFixtures.Srs.G1Powers[1]).CopyTo(f, hAt)));
        Assert.Contains("±[τ]₁", Resealed(f => EvmEncoding.EncodeG1(-InferenceFixtures.Srs.G1Powers[1]).CopyTo(f, hAt)));
        Assert.Contains("blinding base H", Resealed(f => f[hAt + 63] ^= 1)); // off the curve
        // Truncated.
        Assert.False(VerifyingKey.TryFromBytes(b.AsSpan(0, b.Length - 1), out _, out _));
    }

    [Fact]
    public void Model_secret_files_refuse_truncation_corruption_and_other_versions()
    {
        var s = SplitKeys.Value.Setup.Secret;
        var b = s.ToBytes();
        Assert.Equal(8 + 4 + 32 + 4 + 4 * 32 + 32, b.Length);
        var back = ModelSecret.FromBytes(b);
        Assert.Equal(s.Blindings, back.Blindings);
        Assert.Equal(s.VkDigest, back.VkDigest);
        Assert.DoesNotContain(s.Blindings[0].ToString(), s.ToString());
        for (int cut = 0; cut < b.Length; cut += 7)
            Assert.Throws<InferenceFormatException>(() => ModelSecret.FromBytes(b.AsSpan(0, cut), "m.secret"));
        for (int i = 0; i < b.Length; i += 5)
        {
            var f = (byte[])b.Clone();
            f[i] ^= 0x10;
            Assert.Throws<InferenceFormatException>(() => ModelSecret.FromBytes(f, "m.secret"));
        }
        var v = (byte[])b.Clone();
        v[8] = 2;
        Assert.Contains("version 2", Assert.Throws<InferenceFormatException>(() => ModelSecret.FromBytes(v, "m.secret")).Message);
        var vk = SplitKeys.Value.Setup.VerifyingKey.ToBytes();
        Assert.Contains("bad magic", Assert.Throws<InferenceFormatException>(() => ModelSecret.FromBytes(vk, "m.secret")).Message);
        // A blinding ≥ r (resealed) is refused.
        var big = (byte[])b.Clone();
        big.AsSpan(48, 32).Fill(0xff);
        SHA256.HashData(big.AsSpan(0, big.Length - 32)).CopyTo(big, big.Length - 32);
        Assert.Contains("blinding 0", Assert.Throws<InferenceFormatException>(() => ModelSecret.FromBytes(big, "m.secret")).Message);
    }

    [Fact]
    public void Private_input_keys_need_ProvePrivate_and_the_modes_never_verify_each_others_proofs()
    {
        // A private-input key (with the input range check, the default) proves only through ProvePrivate (ZkInputRangeCheckTests).
        var (_, sz) = SplitKeys.Value;
        var e = Assert.Throws<ArgumentException>(() => InferenceProver.Prove(sz.ProvingKey, SplitData.Take(1).ToArray()));
        Assert.Contains("ProvePrivate", e.Message);
        // A default proof presented against a ZK key, and a ZK proof against a default key, are rejected.
        var (_, z) = TinyKeys.Value;
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        var proof = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(1).ToArray());
        Assert.False(InferenceVerifier.Verify(z.VerifyingKey, proof.PublicInputs, proof.ProofBytes).IsValid);
        var zkProof = InferenceProver.Prove(z.ProvingKey, InferenceFixtures.TinyInputs().Take(1).ToArray());
        Assert.True(InferenceVerifier.Verify(z.VerifyingKey, zkProof).IsValid);
        Assert.False(InferenceVerifier.Verify(vk, zkProof.PublicInputs, zkProof.ProofBytes).IsValid);
        Assert.Equal(VerificationFailure.KeyMismatch, InferenceVerifier.Verify(vk, zkProof).Failure);
        Assert.Equal(VerificationFailure.KeyMismatch, InferenceVerifier.Verify(z.VerifyingKey, proof).Failure);
        Assert.False(InferenceVerifier.Verify(sz.VerifyingKey, zkProof.PublicInputs, zkProof.ProofBytes).IsValid);
    }

    [Fact]
    public void Setup_refuses_an_srs_without_a_blinding_base()
    {
        var c = TinyKeys.Value.Circuit;
        var noH = Srs.FromBytes(InferenceFixtures.Srs.Truncate(1023).ToBytes(), "no-h"); // the key layout: no H
        Assert.Null(noH.BlindingBase);
        var e = Assert.Throws<SrsProvenanceException>(() => InferenceSetup.RunZk(c, noH, 4));
        Assert.Equal(BlindingBaseVerdict.Missing, e.Check.Verdict);
        Assert.Contains("no blinding base", e.Message);
    }
}

/// <summary>The SRS provenance verdicts of a ZK setup on a snarkjs-made ceremony file (docs/zk-design.md §11 step 3).</summary>
[Collection(PtauCollection.Name)]
public class ZkSetupProvenanceTests(PtauFixture ptau)
{
    /// <summary>One dense layer without a table (4 → 3): its keys fit the 256 powers of the test ceremony file.</summary>
    private static Circuit TinyZk() => CircuitCompiler.Compile(InferenceFixtures.Random(8, [4, 3], [Activation.None]), InferenceFixtures.Samples(9, 6, 4), new CompileOptions { Zk = ZkSettings.PublicInputs });

    [Fact]
    public void Ceremony_files_follow_the_verdicts()
    {
        var c = TinyZk();
        var honest = Srs.FromPtau(ptau.Contributed, 255);
        Assert.NotNull(honest.BlindingBase);
        // Unknown ceremony (the project's pin table is empty): refused unless the user states it was verified.
        var unknown = Assert.Throws<SrsProvenanceException>(() => InferenceSetup.RunZk(c, honest, 1));
        Assert.Equal(BlindingBaseVerdict.UnknownCeremony, unknown.Check.Verdict);
        Assert.Contains("verified", unknown.Message);
        var ok = InferenceSetup.RunZk(c, honest, 1, ptauVerified: true);
        Assert.Equal(BlindingBaseVerdict.UnknownCeremony, ok.Provenance.Verdict);
        Assert.False(ok.VerifyingKey.IsInsecure);
        Assert.True(ModelOpening.Check(ok.VerifyingKey, c, ok.Secret, honest).IsValid);
        // Pinned: accepted without the statement.
        PinnedCeremony[] pins = [PinnedCeremony.Of("test ceremony", honest)];
        var pinned = InferenceSetup.RunZk(c, honest, 1, false, false, pins, null);
        Assert.Equal(BlindingBaseVerdict.PinnedCeremony, pinned.Provenance.Verdict);
        // Planted: the pinned [τ]₂ with another H is refused even when stated verified.
        var otherH = PinnedCeremony.Of("x", Srs.CreateInsecureDev(4, 5)).BlindingBase;
        PinnedCeremony[] plantedPins = [pins[0] with { BlindingBase = otherH }];
        var planted = Assert.Throws<SrsProvenanceException>(() => InferenceSetup.RunZk(c, honest, 1, true, false, plantedPins, null));
        Assert.Equal(BlindingBaseVerdict.PlantedBlindingBase, planted.Check.Verdict);
        Assert.Contains("alphaTauG1[0]", planted.Message);
    }
}
