using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Sumcheck;

namespace ZkMl.Inference;

/// <summary>One layer's part of the proof: b_ℓ(r_o), the matmul sumcheck, a and w at ρ.</summary>
internal sealed record LayerProof(Fr Bias, Fr A, Fr W);

/// <summary>The decoded proof elements (docs/protocol.md "Proof bytes"); Layers in the order ℓ = L−1 … 0, Matmul = the one matmul sumcheck of all layers.</summary>
internal sealed record ProofParts(G1Affine W1, G1Affine W2, LogUpProof? LogUp, Fr[] Cols, Fr FillerHint, LayerProof[] Layers, SumcheckProof Matmul, BatchOpeningProof Opening)
{
    /// <summary>The Phase-2 sumcheck (circuits with conv or pooling layers), else null.</summary>
    public Phase2Proof? Phase2 { get; init; }

    /// <summary>The max-pool zero-checks, ℓ = L−1 … 0.</summary>
    public MaxPoolProof[] MaxPools { get; init; } = [];

    /// <summary>Rounds of the matmul sumcheck: the largest i_ℓ over the matmul layers (ci' + kh' + kw' for a conv layer).</summary>
    public static int MatmulVars(VerifyingKey vk) => Enumerable.Range(0, vk.Layers.Count).Where(vk.Shape.InMatmul).Max(l => MatmulVars(vk.Layers[l]));

    /// <summary>As <see cref="MatmulVars(VerifyingKey)"/> from the layer keys and the key shape.</summary>
    public static int MatmulVars(IReadOnlyList<LayerKey> layers, KeyShape ks) => Enumerable.Range(0, layers.Count).Where(ks.InMatmul).Max(l => MatmulVars(layers[l]));

    /// <summary>A matmul layer's variables: i_ℓ (dense), ci' + kh' + kw' (conv Phase 1).</summary>
    public static int MatmulVars(LayerKey lk) => lk.Kind == ZkMl.Compiler.Model.LayerKind.Conv ? lk.KernelInVars : lk.InVars;

    /// <summary>Number of matmul layers (dense and conv), each with b, a (or τ), w in the proof.</summary>
    public static int MatmulLayerCount(VerifyingKey vk) => Enumerable.Range(0, vk.Layers.Count).Count(vk.Shape.InMatmul);

    /// <summary>Phase-2 terms (conv and pooling layers) and the Phase-2 sumcheck's rounds (the largest hi' + wi').</summary>
    public static (int Terms, int Vars) Phase2Size(VerifyingKey vk)
    {
        int terms = 0, vars = 0;
        foreach (int l in vk.Shape.Phase2Layers)
        {
            var lk = vk.Layers[l];
            switch (lk.Kind)
            {
                case ZkMl.Compiler.Model.LayerKind.Conv: terms++; vars = Math.Max(vars, lk.WindowInVars); break;
                case ZkMl.Compiler.Model.LayerKind.AveragePool: terms++; vars = Math.Max(vars, lk.InVars); break;
                default: terms += 2; vars = Math.Max(vars, Math.Max(lk.InVars, lk.OutVars)); break;
            }
        }
        return (terms, vars);
    }

    /// <summary>Bytes of the conv and pooling block: the `mp_y` values (one per max pool), Phase 2 (rounds × 2 + one value per term), then per max pool its zero-check (n rounds × (kh·kw + 1)) and kh·kw values.</summary>
    public static long SpatialLength(VerifyingKey vk, int b)
    {
        var (terms, vars) = Phase2Size(vk);
        if (terms == 0) return 0;
        long len = 32L * vk.Shape.MaxPoolLayers.Count() + 64L * vars + 32L * terms;
        foreach (int l in vk.Shape.MaxPoolLayers)
        {
            int w = vk.Layers[l].Geometry!.Window;
            len += 32L * (b + vk.Layers[l].OutVars) * (w + 1) + 32L * w;
        }
        return len;
    }

    public byte[] ToBytes()
    {
        var parts = new List<byte[]>();
        if (LogUp != null)
        {
            parts.Add(EvmEncoding.EncodeG1(W1));
            parts.Add(EvmEncoding.EncodeG1(W2));
            parts.Add(LogUp.ToBytes());
            parts.Add(Scalars(Cols));
            parts.Add(FillerHint.ToBytesBigEndian());
        }
        foreach (var l in Layers) parts.Add(l.Bias.ToBytesBigEndian());
        parts.Add(Matmul.ToBytes());
        foreach (var l in Layers) parts.Add(Scalars([l.A, l.W]));
        if (Phase2 != null)
        {
            parts.Add(Scalars(Phase2.YValues));
            parts.Add(Phase2.Sumcheck.ToBytes());
            parts.Add(Scalars(Phase2.Values));
            foreach (var mp in MaxPools) { parts.Add(mp.ZeroCheck.ToBytes()); parts.Add(Scalars(mp.D)); }
        }
        parts.Add(Opening.ToBytes());
        return parts.SelectMany(p => p).ToArray();
    }

    private static byte[] Scalars(ReadOnlySpan<Fr> v)
    {
        var b = new byte[32 * v.Length];
        for (int i = 0; i < v.Length; i++) v[i].WriteBigEndian(b.AsSpan(32 * i, 32));
        return b;
    }

    /// <summary>Expected proof length for a key and batch (all lengths follow from them).</summary>
    public static long Length(VerifyingKey vk, BatchShape bs, int vectors, int openingVars)
    {
        long len = 0;
        if (vk.Shape.T >= 1)
            len += 128 + LogUpProof.EncodedLength(bs.F!.NumVars, vk.Shape.TableLayout!.NumVars) + 32L * ColumnCount(vk) + 32;
        len += 96L * MatmulLayerCount(vk) + 64L * MatmulVars(vk) + SpatialLength(vk, bs.BatchVars);
        return len + BatchOpeningProof.EncodedLength(vectors, openingVars, JointVars(vk, bs));
    }

    public static int ColumnCount(VerifyingKey vk) => vk.Shape.ColumnCount;

    /// <summary>Number of batched-opening claims (docs/protocol.md, step 5) of a dense circuit (the Solidity generator refuses conv keys).</summary>
    public static int ClaimCount(VerifyingKey vk)
    {
        int n = 0;
        // every column but Q_ℓ is a claim, and but the output layer's A (checked against the public output)
        if (vk.Shape.T >= 1) n += 6 + ColumnCount(vk) - 1 - vk.Shape.T - (vk.Shape.OutputTabled ? 1 : 0);
        n += 2 * vk.Layers.Count + (vk.Layers.Count - 1);
        return n;
    }

    /// <summary>Number of distinct vectors of the batched opening (one evaluation each): C_model, and C_1, C_2 when there are lookups.</summary>
    public static int VectorCount(VerifyingKey vk) => vk.Shape.T >= 1 ? 3 : 1;

    /// <summary>N of the batched opening: the largest committed vector's variables.</summary>
    public static int OpeningVars(VerifyingKey vk, BatchShape bs)
        => vk.Shape.T == 0 ? vk.ModelVars : Math.Max(vk.ModelVars, Math.Max(bs.W1!.NumVars, bs.W2!.NumVars));

    /// <summary>Variables of the joint HyperKZG opening: as <see cref="OpeningVars"/> with the model vector folded to N_model − k (SplitVector).</summary>
    public static int JointVars(VerifyingKey vk, BatchShape bs)
    {
        int model = vk.ModelVars - VerifyingKey.ModelSplitBits(vk.ModelVars);
        return vk.Shape.T == 0 ? model : Math.Max(model, Math.Max(bs.W1!.NumVars, bs.W2!.NumVars));
    }

    public static bool TryDecode(VerifyingKey vk, BatchShape bs, ReadOnlySpan<byte> bytes, out ProofParts? parts, out string? reason)
    {
        parts = null;
        int vectors = VectorCount(vk), nOpen = OpeningVars(vk, bs);
        long expected = Length(vk, bs, vectors, nOpen);
        if (bytes.Length != expected) { reason = $"proof is {bytes.Length} bytes; this key and batch need exactly {expected}"; return false; }
        int o = 0;
        G1Affine w1 = default, w2 = default;
        LogUpProof? logup = null;
        var cols = Array.Empty<Fr>();
        var hint = Fr.Zero;
        if (vk.Shape.T >= 1)
        {
            if (!EvmEncoding.TryDecodeG1(bytes.Slice(0, 64), out w1, out var e1)) { reason = "W1 commitment: " + e1; return false; }
            if (!EvmEncoding.TryDecodeG1(bytes.Slice(64, 64), out w2, out var e2)) { reason = "W2 commitment: " + e2; return false; }
            o = 128;
            int n = bs.F!.NumVars, m = vk.Shape.TableLayout!.NumVars;
            int ll = (int)LogUpProof.EncodedLength(n, m);
            if (!LogUpProof.TryParse(bytes.Slice(o, ll), n, m, out logup, out var e3)) { reason = "LogUp: " + e3; return false; }
            o += ll;
            cols = new Fr[ColumnCount(vk)];
            for (int i = 0; i < cols.Length; i++, o += 32)
                if (!Fr.TryFromBytesBigEndian(bytes.Slice(o, 32), out cols[i])) { reason = $"column evaluation {i} is not below r"; return false; }
            if (!Fr.TryFromBytesBigEndian(bytes.Slice(o, 32), out hint)) { reason = "the filler hint 1/(α − 1) is not below r"; return false; }
            o += 32;
        }
        var mmLayers = Enumerable.Range(0, vk.Layers.Count).Reverse().Where(vk.Shape.InMatmul).ToArray();
        var layers = new LayerProof[mmLayers.Length];
        var biases = new Fr[layers.Length];
        for (int j = 0; j < layers.Length; j++, o += 32)
            if (!Fr.TryFromBytesBigEndian(bytes.Slice(o, 32), out biases[j])) { reason = $"layer {mmLayers[j]} bias evaluation is not below r"; return false; }
        int iv = MatmulVars(vk);
        if (!SumcheckProof.TryParse(bytes.Slice(o, 64 * iv), iv, 2, out var matmul, out var e4)) { reason = "matmul sumcheck: " + e4; return false; }
        o += 64 * iv;
        for (int j = 0; j < layers.Length; j++, o += 64)
        {
            if (!Fr.TryFromBytesBigEndian(bytes.Slice(o, 32), out var a) || !Fr.TryFromBytesBigEndian(bytes.Slice(o + 32, 32), out var w))
            { reason = $"layer {mmLayers[j]} matmul evaluations are not below r"; return false; }
            layers[j] = new LayerProof(biases[j], a, w);
        }
        Phase2Proof? phase2 = null;
        var pools = new List<MaxPoolProof>();
        var (terms, vars) = Phase2Size(vk);
        if (terms > 0)
        {
            var yv = new Fr[vk.Shape.MaxPoolLayers.Count()];
            for (int j = 0; j < yv.Length; j++, o += 32)
                if (!Fr.TryFromBytesBigEndian(bytes.Slice(o, 32), out yv[j])) { reason = $"max-pool value mp_y {j} is not below r"; return false; }
            if (!SumcheckProof.TryParse(bytes.Slice(o, 64 * vars), vars, 2, out var p2, out var e6)) { reason = "Phase-2 sumcheck: " + e6; return false; }
            o += 64 * vars;
            var cv = new Fr[terms];
            for (int j = 0; j < terms; j++, o += 32)
                if (!Fr.TryFromBytesBigEndian(bytes.Slice(o, 32), out cv[j])) { reason = $"Phase-2 value {j} is not below r"; return false; }
            phase2 = new Phase2Proof(yv, p2!, cv);
            foreach (int l in vk.Shape.MaxPoolLayers)
            {
                int w = vk.Layers[l].Geometry!.Window, n = bs.BatchVars + vk.Layers[l].OutVars;
                int zl = 32 * n * (w + 1);
                if (!SumcheckProof.TryParse(bytes.Slice(o, zl), n, w + 1, out var zc, out var e7)) { reason = $"layer {l} max-pool zero-check: " + e7; return false; }
                o += zl;
                var dv = new Fr[w];
                for (int j = 0; j < w; j++, o += 32)
                    if (!Fr.TryFromBytesBigEndian(bytes.Slice(o, 32), out dv[j])) { reason = $"layer {l} max-pool value {j} is not below r"; return false; }
                pools.Add(new MaxPoolProof(zc!, dv));
            }
        }
        if (!BatchOpeningProof.TryDecode(bytes[o..], vectors, nOpen, JointVars(vk, bs), out var opening, out var e5)) { reason = "batched opening: " + e5; return false; }
        parts = new ProofParts(w1, w2, logup, cols, hint, layers, matmul!, opening!) { Phase2 = phase2, MaxPools = pools.ToArray() };
        reason = null;
        return true;
    }
}

/// <summary>
/// A proof of one batch inference with its public statement: the packed public inputs/outputs and
/// the proof bytes (docs/protocol.md "Proof bytes", "Proof file").
/// </summary>
public sealed class InferenceProof
{
    private static ReadOnlySpan<byte> Magic => "ZKMLPRF\0"u8;

    /// <summary>Proof file version of a default-mode proof (unchanged by the ZK work).</summary>
    public const uint Version = 2;

    /// <summary>Proof file version of a zero-knowledge proof: version 2 with a <c>u32 flags</c> word after the version (the key's flags: bit 0 zero knowledge, bit 1 private inputs, bit 2 input range check, bit 3 column-major input).</summary>
    public const uint ZkVersion = 3;

    /// <summary>The key's flags word (0 for a default-mode proof, file version 2; ZK proofs: file version 3). The verifier checks it against the key's mode.</summary>
    public uint Flags { get; }

    /// <summary>True for a zero-knowledge proof (<see cref="Flags"/> bit 0).</summary>
    public bool IsZk => (Flags & 1) != 0;

    /// <summary>Every constructor takes the flags word: a proof rebuilt from its parts without them would lose its mode (a ZK proof read as a default one).</summary>
    internal InferenceProof(byte[] vkDigest, byte[] publicInputs, byte[] proofBytes, uint flags)
    {
        VkDigest = vkDigest; _publicInputs = publicInputs; _proof = proofBytes; Flags = flags;
    }

    private readonly byte[] _publicInputs;
    private readonly byte[] _proof;

    /// <summary>Digest of the verifying key the proof was made for.</summary>
    public byte[] VkDigest { get; }

    /// <summary>Packed public inputs/outputs (32-byte words: the contract's <c>uint256[] publicInputs</c>).</summary>
    public ReadOnlySpan<byte> PublicInputs => _publicInputs;

    /// <summary>The proof bytes (the contract's <c>bytes proof</c>).</summary>
    public ReadOnlySpan<byte> ProofBytes => _proof;

    /// <summary>Size of the proof bytes (public inputs and outputs not counted).</summary>
    public int ProofSize => _proof.Length;

    /// <summary>
    /// A proof from its parts (e.g. to check a tampered copy) with the flags word of its file (<see cref="Flags"/> of the
    /// proof it comes from; a zero-knowledge proof: the key's flags). There is no overload without flags: it silently made
    /// a ZK proof's copy a default-mode one.
    /// </summary>
    public static InferenceProof FromParts(ReadOnlySpan<byte> vkDigest, ReadOnlySpan<byte> publicInputs, ReadOnlySpan<byte> proofBytes, uint flags)
    {
        if (vkDigest.Length != 32) throw new ArgumentException("the VK digest is 32 bytes", nameof(vkDigest));
        return new InferenceProof(vkDigest.ToArray(), publicInputs.ToArray(), proofBytes.ToArray(), flags);
    }

    /// <summary>Decodes the public statement with <paramref name="vk"/>.</summary>
    /// <exception cref="InferenceFormatException">The words are not a valid statement for this key.</exception>
    public PublicIO DecodePublicIO(VerifyingKey vk)
    {
        if (!PublicIO.TryDecode(vk, _publicInputs, out var io, out var reason)) throw new InferenceFormatException("proof", reason!);
        return io!;
    }

    /// <summary>The proof file bytes.</summary>
    public byte[] ToFileBytes()
    {
        int h = Flags == 0 ? 0 : 4; // (version 3: the flags word after the version)
        var b = new byte[8 + 4 + h + 32 + 4 + _publicInputs.Length + 4 + _proof.Length + 32];
        var s = b.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], h == 0 ? Version : ZkVersion);
        if (h != 0) BinaryPrimitives.WriteUInt32LittleEndian(s[12..], Flags);
        VkDigest.CopyTo(s[(12 + h)..]);
        int o = 44 + h;
        BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)(_publicInputs.Length / 32)); o += 4;
        _publicInputs.CopyTo(s[o..]); o += _publicInputs.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)_proof.Length); o += 4;
        _proof.CopyTo(s[o..]); o += _proof.Length;
        SHA256.HashData(s[..o], s[o..]);
        return b;
    }

    /// <summary>Writes the proof file (temporary file + rename).</summary>
    public void Save(string path) => Algebra.IO.AtomicFile.WriteAllBytes(path, ToFileBytes());

    /// <summary>Reads a proof file; never throws on bad bytes (false with the reason).</summary>
    public static bool TryFromFileBytes(ReadOnlySpan<byte> s, out InferenceProof? proof, out string? reason)
    {
        proof = null;
        if (s.Length < 12 || !s[..8].SequenceEqual(Magic)) { reason = "not a ZkMl proof file (bad magic)"; return false; }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        if (version is not (Version or ZkVersion)) { reason = $"unsupported proof file version {version} (expected {Version}, or {ZkVersion} for a zero-knowledge proof)"; return false; }
        int h = version == ZkVersion ? 4 : 0;
        if (s.Length < 8 + 4 + h + 32 + 4 + 4 + 32) { reason = $"truncated: {s.Length} bytes"; return false; }
        uint flags = 0;
        if (h != 0)
        {
            flags = BinaryPrimitives.ReadUInt32LittleEndian(s[12..]);
            if ((flags & ~15u) != 0 || (flags & 1) == 0 || ((flags & 2) != 0) != ((flags & 8) != 0)) { reason = $"proof file version {ZkVersion}: flags 0x{flags:x} (bit 0 zero knowledge must be set; bits 1, 2 private inputs and input range check; bit 3 column-major input, exactly with bit 1; no other bits)"; return false; }
        }
        long words = BinaryPrimitives.ReadUInt32LittleEndian(s[(44 + h)..]);
        long o = 48 + h + 32 * words;
        if (o + 4 + 32 > s.Length) { reason = "truncated public inputs"; return false; }
        long plen = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)o..]);
        if (o + 4 + plen + 32 != s.Length) { reason = $"truncated or trailing bytes: {s.Length} bytes, header implies {o + 4 + plen + 32}"; return false; }
        Span<byte> d = stackalloc byte[32];
        SHA256.HashData(s[..^32], d);
        if (!d.SequenceEqual(s[^32..])) { reason = "corrupt: SHA-256 digest does not match the contents"; return false; }
        proof = new InferenceProof(s.Slice(12 + h, 32).ToArray(), s.Slice(48 + h, (int)(32 * words)).ToArray(), s.Slice((int)o + 4, (int)plen).ToArray(), flags);
        reason = null;
        return true;
    }

    /// <summary>Reads a proof file.</summary>
    /// <exception cref="InferenceFormatException">Missing or malformed.</exception>
    public static InferenceProof Load(string path)
    {
        if (!File.Exists(path)) throw new InferenceFormatException(path, "file not found");
        if (!TryFromFileBytes(File.ReadAllBytes(path), out var p, out var reason)) throw new InferenceFormatException(path, reason!);
        return p!;
    }

    /// <summary>A JSON view for humans: digest, sizes, hex of the public words and proof, and (with a key) the decoded statement.</summary>
    public string ToJson(VerifyingKey? vk = null)
    {
        var o = new JsonObject
        {
            ["version"] = Flags == 0 ? Version : ZkVersion,
            ["vk_digest"] = Convert.ToHexStringLower(VkDigest),
            ["proof_size"] = _proof.Length,
            ["public_inputs"] = new JsonArray(Enumerable.Range(0, _publicInputs.Length / 32)
                .Select(i => (JsonNode)("0x" + Convert.ToHexStringLower(_publicInputs.AsSpan(32 * i, 32)))).ToArray()),
            ["proof"] = "0x" + Convert.ToHexStringLower(_proof),
        };
        if (IsZk) o["zk"] = true;
        if (vk != null && PublicIO.TryDecode(vk, _publicInputs, out var io, out _))
        {
            o["batch_size"] = io!.BatchSize;
            var inputs = new JsonArray(); var outputs = new JsonArray(); var argmax = new JsonArray();
            for (int b = 0; b < io.BatchSize; b++)
            {
                if (!io.IsPrivate) inputs.Add(new JsonArray(io.InputRow(b).ToArray().Select(v => (JsonNode)v).ToArray()));
                var row = io.OutputRow(b).ToArray();
                outputs.Add(new JsonArray(row.Select(v => (JsonNode)v).ToArray()));
                argmax.Add(Array.IndexOf(row, row.Max()));
            }
            // a private-input statement holds C_X, never an input word (docs/zk-design.md §6)
            if (io.InputCommitmentHex is { } cx) o["inputCommitment"] = cx;
            else o["inputs"] = inputs;
            o["outputs"] = outputs; o["argmax"] = argmax;
            o["output_scale"] = vk.OutputScale;
            o["outputs_are"] = vk.ProvesOutputActivation ? "the proven final activation's values" : "logits";
        }
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
