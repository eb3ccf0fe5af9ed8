using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Inference;

/// <summary>The shape and requantization constants of one layer, as the verifier sees them.</summary>
/// <param name="InVars">i_ℓ = log2 of the padded input width.</param>
/// <param name="OutVars">o_ℓ = log2 of the padded output width.</param>
/// <param name="InputSize">Real input width.</param>
/// <param name="OutputSize">Real output width.</param>
/// <param name="Multiplier">M_ℓ (0 for the output layer).</param>
/// <param name="Shift">k_ℓ (0 for the output layer).</param>
/// <param name="Limbs">K_ℓ = k_ℓ / c (0 for the output layer).</param>
/// <param name="QMin">Lowest q of the activation table (0 for the output layer).</param>
/// <param name="TableVars">s_ℓ = log2 of the activation segment size (0 for the output layer).</param>
/// <param name="Kind">What the layer computes (a version-5 key field; dense in a version-4 key).</param>
/// <param name="Geometry">The window geometry of a conv or pooling layer, null for a dense layer.</param>
public readonly record struct LayerKey(int InVars, int OutVars, int InputSize, int OutputSize, long Multiplier, int Shift, int Limbs, long QMin, int TableVars,
    LayerKind Kind = LayerKind.Dense, Conv2dGeometry? Geometry = null)
{
    /// <summary>True for a conv or pooling layer.</summary>
    public bool IsSpatial => Kind != LayerKind.Dense;

    /// <summary>log2 of a dimension padded to a power of two.</summary>
    internal static int Bits(int n) => System.Numerics.BitOperations.Log2((uint)Circuit.NextPowerOfTwo(n));

    /// <summary>Bits of the padded input channels, rows, columns (spatial layers).</summary>
    internal (int C, int H, int W) InBits => (Bits(Geometry!.InC), Bits(Geometry.InH), Bits(Geometry.InW));

    /// <summary>Bits of the padded output channels, rows, columns (spatial layers).</summary>
    internal (int C, int H, int W) OutBits => (Bits(Geometry!.OutC), Bits(Geometry.OutH), Bits(Geometry.OutW));

    /// <summary>Bits of the padded window rows and columns kh', kw' (spatial layers).</summary>
    internal (int H, int W) WindowBits => (Bits(Geometry!.KH), Bits(Geometry.KW));

    /// <summary>Variables of a conv layer's Phase-1 index k = (i, dy, dx): ci' + kh' + kw'.</summary>
    internal int KernelInVars => InBits.C + WindowBits.H + WindowBits.W;

    /// <summary>Variables of the Phase-2 index (u, v) of a spatial layer: hi' + wi'.</summary>
    internal int WindowInVars => InBits.H + InBits.W;
}

/// <summary>
/// The verifying key of a compiled circuit (docs/protocol.md "Inference proof", "Keys"): shapes,
/// requantization constants, the model commitment and the KZG verifier key. Everything a verifier
/// needs; <see cref="Digest"/> binds all of it and is the first thing the transcript absorbs.
/// </summary>
public sealed class VerifyingKey
{
    private static ReadOnlySpan<byte> Magic => "ZKMLVK\0\0"u8;

    /// <summary>Format version written by <see cref="ToBytes"/> for a default-mode key of dense layers only (unchanged byte for byte by the ZK work).</summary>
    public const uint Version = 4;

    /// <summary>Format version written for a key with conv or pooling layers (each layer record carries its kind and geometry).</summary>
    public const uint SpatialVersion = 5;

    /// <summary>
    /// Format version of a zero-knowledge key (docs/protocol.md "Keys" → "ZK mode (in progress)"): a flags word after the
    /// version, the public-circuit digest in place of the circuit digest, the blinding base H before the model parts,
    /// and hiding part commitments. Dense layers only (compile refuses --zk with conv layers).
    /// </summary>
    public const uint ZkVersion = 6;

    /// <summary>
    /// Flags word of a <see cref="ZkVersion"/> key: bit 0 zero knowledge (always set), bit 1 private inputs, bit 2 input range
    /// check, bit 3 column-major private input (set exactly when bit 1 is: docs/protocol.md "ZK mode: the column-major private
    /// input"; a private key without it is of an older zkml and refused).
    /// </summary>
    internal const uint FlagZk = 1, FlagPrivateInputs = 2, FlagInputRangeCheck = 4, FlagColumnMajorInput = 8;

    /// <summary>The format version of this key: <see cref="ZkVersion"/> for a zero-knowledge key, <see cref="SpatialVersion"/> when some layer is a conv or pooling layer, else <see cref="Version"/>.</summary>
    public uint FormatVersion => IsZk ? ZkVersion : HasSpatialLayers ? SpatialVersion : Version;

    /// <summary>True when some layer is a conv or pooling layer.</summary>
    public bool HasSpatialLayers => Layers.Any(l => l.IsSpatial);

    /// <summary>The per-sample input shape: [C, H, W] when layer 0 is a conv or pooling layer, else [InputSize].</summary>
    public IReadOnlyList<int> InputShape => Layers[0].Geometry is { } g ? [g.InC, g.InH, g.InW] : [InputSize];

    internal VerifyingKey(byte[] circuitDigest, int limbBits, int actBits, int inputSize, int outputSize, int maxBatch,
        int xBytes, int yBytes, LayerKey[] layers, double inputScale, double outputScale, int modelVars,
        G1Affine[] modelCommitments, KzgVerifierKey kzg, SrsOrigin origin)
        : this(circuitDigest, limbBits, actBits, inputSize, outputSize, maxBatch, xBytes, yBytes, layers, inputScale, outputScale, modelVars,
            modelCommitments, kzg, origin, ZkSettings.None, null) { }

    internal VerifyingKey(byte[] circuitDigest, int limbBits, int actBits, int inputSize, int outputSize, int maxBatch,
        int xBytes, int yBytes, LayerKey[] layers, double inputScale, double outputScale, int modelVars,
        G1Affine[] modelCommitments, KzgVerifierKey kzg, SrsOrigin origin, ZkSettings zk, G1Affine? blindingBase)
    {
        if (modelCommitments.Length != Math.Max(1, ModelPartCount(modelVars)))
            throw new ArgumentException($"{modelCommitments.Length} model commitments for a model vector of 2^{modelVars} entries (expected {Math.Max(1, ModelPartCount(modelVars))})", nameof(modelCommitments));
        if (zk.Problem() is { } zp) throw new ArgumentException(zp, nameof(zk));
        if (zk.Zk && layers.Any(l => l.IsSpatial)) throw new ArgumentException("a zero-knowledge key (version 6) has dense layers only", nameof(layers));
        if (zk.Zk != blindingBase.HasValue)
            throw new ArgumentException(zk.Zk ? "a zero-knowledge key needs the blinding base H" : "a default-mode key has no blinding base", nameof(blindingBase));
        CircuitDigest = circuitDigest; LimbBits = limbBits; ActBits = actBits; InputSize = inputSize; OutputSize = outputSize;
        MaxBatch = maxBatch; XBytes = xBytes; YBytes = yBytes; Layers = layers; InputScale = inputScale; OutputScale = outputScale;
        ModelVars = modelVars; ModelCommitments = modelCommitments; Kzg = kzg; Origin = origin; Zk = zk; BlindingBase = blindingBase;
        _bytes = Serialize();
        Digest = _bytes.AsSpan(_bytes.Length - 32).ToArray();
        Shape = new KeyShape(layers, limbBits, zk.InputRangeCheck ? actBits : -1);
    }

    /// <summary>The zero-knowledge choices of the circuit (<see cref="ZkSettings.None"/> for a default key, version 4).</summary>
    public ZkSettings Zk { get; }

    /// <summary>True for a zero-knowledge key (version 6): hiding model parts, no proof of the default mode is accepted or made with it.</summary>
    public bool IsZk => Zk.Zk;

    /// <summary>The blinding base H = alphaTauG1[0] of the SRS (zero-knowledge keys only; null otherwise): every part commitment is [part_j(τ)]₁ + s_j·H.</summary>
    public G1Affine? BlindingBase { get; }

    /// <summary>The digest the key names its circuit by: the full <see cref="Circuit.Digest"/>, or in ZK mode the <see cref="Circuit.PublicDigest"/>.</summary>
    public static byte[] CircuitDigestOf(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        return circuit.Zk.Zk ? circuit.PublicDigest : circuit.Digest;
    }

    /// <summary>True when <paramref name="circuit"/> is the circuit this key was made for (by <see cref="CircuitDigestOf"/>).</summary>
    public bool Matches(Circuit circuit) => CircuitDigestOf(circuit).AsSpan().SequenceEqual(CircuitDigest);

    private readonly byte[] _bytes;

    /// <summary>SHA-256 of the circuit (.zkc content); in ZK mode the public-circuit digest (<see cref="Circuit.PublicDigest"/>), which leaves out the weights.</summary>
    public byte[] CircuitDigest { get; }

    /// <summary>Range-limb width c.</summary>
    public int LimbBits { get; }

    /// <summary>Signed bits of inputs and activations.</summary>
    public int ActBits { get; }

    /// <summary>Real input width.</summary>
    public int InputSize { get; }

    /// <summary>Real output width.</summary>
    public int OutputSize { get; }

    /// <summary>Largest padded batch the SRS supports (a power of two).</summary>
    public int MaxBatch { get; }

    /// <summary>Bytes per packed input value.</summary>
    public int XBytes { get; }

    /// <summary>Bytes per packed output value.</summary>
    public int YBytes { get; }

    /// <summary>Layer keys, input side first; the last is the output layer.</summary>
    public IReadOnlyList<LayerKey> Layers { get; }

    /// <summary>
    /// True when the output layer proves a final activation (relu / sigmoid / tanh by its lookup table;
    /// its multiplier is non-zero): the public outputs are that activation's values, not logits.
    /// </summary>
    public bool ProvesOutputActivation => Layers[^1].Multiplier != 0;

    /// <summary>
    /// Values per output row of the statement: <see cref="OutputSize"/>, or with
    /// <see cref="ProvesOutputActivation"/> the padded width 2^o (padded columns hold act(0)).
    /// </summary>
    public int OutputColumns => ProvesOutputActivation ? 1 << Layers[^1].OutVars : OutputSize;

    /// <summary>Number of hidden layers (L − 1; with <see cref="ProvesOutputActivation"/> the output layer has lookups too).</summary>
    public int HiddenLayers => Layers.Count - 1;

    /// <summary>Scale of the inputs.</summary>
    public double InputScale { get; }

    /// <summary>Scale of the output logits.</summary>
    public double OutputScale { get; }

    /// <summary>log2 of the model vector length.</summary>
    public int ModelVars { get; }

    /// <summary>
    /// The model's identity in the key: the commitments of the model vector's 2^k parts along its top
    /// k = <see cref="ModelSplitBits"/> index bits (part j = entries [j·2^(N_model−k), (j+1)·2^(N_model−k)), as a
    /// vector of 2^(N_model−k) entries); for k = 0 the single part is the whole vector. These are exactly the
    /// commitments the verifiers use; there is no separate whole-vector commitment for k ≥ 1 (docs/protocol.md "Keys").
    /// </summary>
    public IReadOnlyList<G1Affine> ModelCommitments { get; }

    /// <summary>The parts of a split model vector (k ≥ 1), empty for k = 0.</summary>
    public IReadOnlyList<G1Affine> ModelParts => ModelPartCount(ModelVars) == 0 ? [] : ModelCommitments;

    /// <summary>
    /// The commitment that names the model vector in the batched opening's claims: the whole vector's for k = 0;
    /// for k ≥ 1 part 0's, only a label (the opening folds the parts, <see cref="ZkMl.Proofs.Openings.SplitVector"/>).
    /// </summary>
    internal G1Affine ModelClaimKey => ModelCommitments[0];

    /// <summary>Where the SRS of this key came from (a development SRS makes the key INSECURE).</summary>
    public SrsOrigin Origin { get; }

    /// <summary>True when the key rests on a development SRS: whoever made it can forge proofs.</summary>
    public bool IsInsecure => Origin.IsInsecure;

    /// <summary>
    /// k of <see cref="ModelParts"/>: 2 for a model vector of ≥ 2^14 entries (its opening then dominates the
    /// proof: a quarter of it for two more scalar multiplications on chain), else 0 (no parts, no split).
    /// </summary>
    public static int ModelSplitBits(int modelVars) => modelVars >= 14 ? 2 : 0;

    /// <summary>2^k model parts, none for k = 0.</summary>
    internal static int ModelPartCount(int modelVars) => ModelSplitBits(modelVars) == 0 ? 0 : 1 << ModelSplitBits(modelVars);

    /// <summary>The model vector with its parts, for the batched opening (<see cref="ZkMl.Proofs.Openings.SplitVector"/>).</summary>
    internal ZkMl.Proofs.Openings.SplitVector ModelSplit => new(ModelClaimKey, ModelVars, [.. ModelParts]);

    /// <summary>[1]₂ and [τ]₂.</summary>
    public KzgVerifierKey Kzg { get; }

    /// <summary>Valid inputs are integers in ±InputBound.</summary>
    public long InputBound => (1L << (ActBits - 1)) - 1;

    /// <summary>SHA-256 over the serialized key (the transcript's first absorb).</summary>
    public byte[] Digest { get; }

    /// <summary>Digest as lower-case hex.</summary>
    public string DigestHex => Convert.ToHexStringLower(Digest);

    internal KeyShape Shape { get; }

    /// <summary>The serialized key (docs/protocol.md table).</summary>
    public byte[] ToBytes() => (byte[])_bytes.Clone();

    private byte[] Serialize()
    {
        bool spatial = HasSpatialLayers;
        int len = ByteLength(Layers.Count, ModelCommitments.Count, spatial, IsZk);
        var b = new byte[len];
        var s = b.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], FormatVersion);
        int o = 12;
        if (IsZk)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s[12..], FlagsOf(Zk));
            o = 16;
        }
        CircuitDigest.CopyTo(s[o..]);
        o += 32;
        void U32(int v) { BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), (uint)v); o += 4; }
        void I64(long v) { BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(o), v); o += 8; }
        U32(Layers.Count); U32(LimbBits); U32(ActBits); U32(InputSize); U32(OutputSize); U32(MaxBatch); U32(XBytes); U32(YBytes);
        foreach (var l in Layers)
        {
            U32(l.InVars); U32(l.OutVars); U32(l.InputSize); U32(l.OutputSize); I64(l.Multiplier); U32(l.Shift); U32(l.Limbs); I64(l.QMin); U32(l.TableVars);
            if (spatial)
            {
                U32((int)l.Kind);
                var g = l.Geometry;
                foreach (int v in g is null ? new int[12] : [g.InC, g.InH, g.InW, g.OutC, g.KH, g.KW, g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight]) U32(v);
            }
        }
        BinaryPrimitives.WriteDoubleLittleEndian(s[o..], InputScale); o += 8;
        BinaryPrimitives.WriteDoubleLittleEndian(s[o..], OutputScale); o += 8;
        U32(ModelVars);
        if (BlindingBase is { } h) { EvmEncoding.EncodeG1(h, s[o..]); o += 64; }
        foreach (var c in ModelCommitments) { EvmEncoding.EncodeG1(c, s[o..]); o += 64; }
        EvmEncoding.EncodeG2(Kzg.G2, s[o..]); o += 128;
        EvmEncoding.EncodeG2(Kzg.TauG2, s[o..]); o += 128;
        Origin.WriteTo(s[o..]); o += SrsOrigin.EncodedLength;
        SHA256.HashData(s[..o], s[o..]);
        return b;
    }

    /// <summary>Bytes of a serialized key with <paramref name="layers"/> layers and <paramref name="commitments"/> model commitments (ZK: + the flags word and H).</summary>
    internal static int ByteLength(int layers, int commitments, bool spatial = false, bool zk = false) => FixedBytes(layers, spatial) + 64 * commitments + (zk ? 4 + 64 : 0);

    internal static uint FlagsOf(ZkSettings zk) =>
        (zk.Zk ? FlagZk : 0) | (zk.Inputs == InputVisibility.Private ? FlagPrivateInputs | FlagColumnMajorInput : 0) | (zk.InputRangeCheck ? FlagInputRangeCheck : 0);

    /// <summary>Bytes of one layer record: 44, and 52 more (kind and 12 geometry fields) in a version-5 key.</summary>
    private static int LayerBytes(bool spatial) => spatial ? 44 + 52 : 44;

    private static int FixedBytes(int layers, bool spatial) => 12 + 32 + 32 + LayerBytes(spatial) * layers + 16 + 4 + 256 + SrsOrigin.EncodedLength + 32;

    /// <summary>Writes the key to a file (temporary file + rename).</summary>
    public void Save(string path) => Algebra.IO.AtomicFile.WriteAllBytes(path, _bytes);

    /// <summary>Reads a key written by <see cref="Save"/>.</summary>
    /// <exception cref="InferenceFormatException">Missing, truncated, corrupt, another version, or inconsistent.</exception>
    public static VerifyingKey Load(string path)
    {
        if (!File.Exists(path)) throw new InferenceFormatException(path, "file not found");
        if (!TryFromBytes(File.ReadAllBytes(path), out var vk, out var reason)) throw new InferenceFormatException(path, reason!);
        return vk!;
    }

    /// <summary>Decodes and validates a serialized key; never throws on bad bytes.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> s, out VerifyingKey? vk, out string? reason)
    {
        vk = null;
        if (s.Length < 12 || !s[..8].SequenceEqual(Magic)) { reason = "not a ZkMl verifying key (bad magic)"; return false; }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        if (version is not (Version or SpatialVersion or ZkVersion)) { reason = VersionProblem("verifying", version); return false; }
        bool spatial = version == SpatialVersion;
        bool zkKey = version == ZkVersion;
        int lb = LayerBytes(spatial);
        // (a ZK key has the flags word after the version: every later offset moves by 4, and H precedes the parts)
        int shift = zkKey ? 4 : 0;
        if (s.Length < 76 + shift) { reason = $"truncated: {s.Length} bytes"; return false; }
        int layers = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(s[(44 + shift)..]), 1000);
        if (s.Length < shift + 12 + 32 + 32 + lb * layers + 16 + 4) { reason = $"truncated: {s.Length} bytes for {layers} layers"; return false; }
        int mv = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(s[(shift + 12 + 32 + 32 + lb * layers + 16)..]), 31);
        int commitments = Math.Max(1, ModelPartCount(mv));
        int len = ByteLength(layers, commitments, spatial, zkKey);
        if (layers < 1 || s.Length != len) { reason = $"corrupt or truncated: {s.Length} bytes for {layers} layers (expected {len})"; return false; }
        Span<byte> d = stackalloc byte[32];
        SHA256.HashData(s[..(len - 32)], d);
        if (!d.SequenceEqual(s[(len - 32)..])) { reason = "corrupt: SHA-256 digest does not match the contents"; return false; }
        var zk = ZkSettings.None;
        if (zkKey)
        {
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(s[12..]);
            if ((flags & ~(FlagZk | FlagPrivateInputs | FlagInputRangeCheck | FlagColumnMajorInput)) != 0) { reason = $"unknown flags 0x{flags:x} (bit 0 zero knowledge, bit 1 private inputs, bit 2 input range check, bit 3 column-major input; made by a newer zkml?)"; return false; }
            if ((flags & FlagPrivateInputs) != 0 && (flags & FlagColumnMajorInput) == 0) { reason = $"flags 0x{flags:x}: a private-input key made before the column-major private input (row-major X′); re-run zkml setup"; return false; }
            if ((flags & FlagPrivateInputs) == 0 && (flags & FlagColumnMajorInput) != 0) { reason = $"flags 0x{flags:x}: bit 3 (column-major input) without bit 1 (private inputs)"; return false; }
            if ((flags & FlagZk) == 0) { reason = $"flags 0x{flags:x}: a version-{ZkVersion} key is a zero-knowledge key, bit 0 must be set"; return false; }
            zk = new ZkSettings(true, (flags & FlagPrivateInputs) != 0 ? InputVisibility.Private : InputVisibility.Public, (flags & FlagInputRangeCheck) != 0);
            if (zk.Problem() is { } zp) { reason = $"flags 0x{flags:x}: {zp}"; return false; }
        }
        var digest = s.Slice(12 + shift, 32).ToArray();
        int o = 48 + shift;
        var arr = s.ToArray();
        int U32() { int v = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(arr.AsSpan(o)), int.MaxValue); o += 4; return v; }
        long I64() { long v = BinaryPrimitives.ReadInt64LittleEndian(arr.AsSpan(o)); o += 8; return v; }
        int c = U32(), act = U32(), inSize = U32(), outSize = U32(), maxBatch = U32(), xb = U32(), yb = U32();
        var ls = new LayerKey[layers];
        for (int i = 0; i < layers; i++)
        {
            int iv = U32(), ov = U32(), isz = U32(), osz = U32();
            long mm = I64(); int k = U32(), kk = U32(); long qmin = I64(); int sv = U32();
            ls[i] = new LayerKey(iv, ov, isz, osz, mm, k, kk, qmin, sv);
            if (spatial)
            {
                int kind = U32();
                var gv = new int[12];
                for (int j = 0; j < 12; j++) gv[j] = U32();
                if (kind is < 0 or > (int)LayerKind.AveragePool) { reason = $"inconsistent key: layer {i} kind {kind}"; return false; }
                Conv2dGeometry? g = null;
                if (kind != 0)
                {
                    g = new Conv2dGeometry(gv[0], gv[1], gv[2], gv[3], gv[4], gv[5], gv[6], gv[7], gv[8], gv[9], gv[10], gv[11]);
                    if (g.Problem() is { } gp) { reason = $"inconsistent key: layer {i} geometry: {gp}"; return false; }
                }
                else if (gv.Any(v => v != 0)) { reason = $"inconsistent key: dense layer {i} has a geometry"; return false; }
                ls[i] = ls[i] with { Kind = (LayerKind)kind, Geometry = g };
            }
        }
        if (spatial && !ls.Any(l => l.IsSpatial)) { reason = "inconsistent key: a version-5 key without conv or pooling layers (dense keys are version 4)"; return false; }
        double inScale = BinaryPrimitives.ReadDoubleLittleEndian(s[o..]); o += 8;
        double outScale = BinaryPrimitives.ReadDoubleLittleEndian(s[o..]); o += 8;
        int modelVars = U32();
        G1Affine? blindingBase = null;
        if (zkKey)
        {
            if (!EvmEncoding.TryDecodeG1(s.Slice(o, 64), out var hb, out var eh)) { reason = "blinding base H: " + eh; return false; }
            blindingBase = hb;
            o += 64;
        }
        var cms = new G1Affine[commitments];
        for (int j = 0; j < commitments; j++, o += 64)
            if (!EvmEncoding.TryDecodeG1(s.Slice(o, 64), out cms[j], out var e4))
            { reason = (commitments == 1 ? "model commitment: " : $"model part {j} commitment: ") + e4; return false; }
        if (!EvmEncoding.TryDecodeG2(s.Slice(o, 128), out var g2, out var e2)) { reason = "[1]₂: " + e2; return false; }
        o += 128;
        if (!EvmEncoding.TryDecodeG2(s.Slice(o, 128), out var tg2, out var e3)) { reason = "[τ]₂: " + e3; return false; }
        o += 128;
        if (!SrsOrigin.TryRead(s[o..], out var origin, out var e5)) { reason = e5; return false; }
        string? bad = CheckShape(c, act, inSize, outSize, maxBatch, xb, yb, ls, modelVars, zk.MinPaddedWidth);
        if (bad != null) { reason = "inconsistent key: " + bad; return false; }
        if (blindingBase is { } h && BlindingBaseProblem(h, g2, tg2) is { } hp) { reason = "blinding base H: " + hp; return false; }
        try
        {
            vk = new VerifyingKey(digest, c, act, inSize, outSize, maxBatch, xb, yb, ls, inScale, outScale, modelVars, cms, new KzgVerifierKey(g2, tg2), origin!, zk, blindingBase);
        }
        catch (ArgumentException ex) { reason = "inconsistent key: " + ex.Message; return false; }
        if (vk.Shape.ModelLayout.NumVars != modelVars) { vk = null; reason = "inconsistent key: model vector size does not match the layer shapes"; return false; }
        reason = null;
        return true;
    }

    /// <summary>The message for a key file of another format version: older ones are made again by setup.</summary>
    internal static string VersionProblem(string what, uint version) => version < Version
        ? $"{what} key version {version} was made by an older zkml (this one reads versions {Version}, {SpatialVersion} (conv layers) and {ZkVersion} (zero knowledge)); re-run zkml setup"
        : $"unsupported {what} key version {version} (this zkml reads versions {Version}, {SpatialVersion} (conv layers) and {ZkVersion} (zero knowledge); made by a newer zkml?)";

    /// <summary>
    /// Null when H is usable as a blinding base, else why not (review of steps 3–4, item 2): the point at infinity,
    /// ±G (α = ±1), or ±[τ]₁ (α = ±τ, found by the pairing e(H, [1]₂) = e(±G, [τ]₂)). A general planted α = p(τ) is
    /// not visible in a key; that is what the SRS provenance check at setup is for (docs/zk-design.md A2).
    /// </summary>
    internal static string? BlindingBaseProblem(in G1Affine h, in G2Affine g2, in G2Affine tauG2)
    {
        if (h.IsInfinity) return "the point at infinity (commitments would not hide)";
        if (h == G1Affine.Generator || h == -G1Affine.Generator) return "±G (α = ±1 is known: commitments would not bind)";
        if (Pairing.CheckProduct([h, -G1Affine.Generator], [g2, tauG2]) || Pairing.CheckProduct([h, G1Affine.Generator], [g2, tauG2]))
            return "±[τ]₁ (α = ±τ: commitments would not bind)";
        return null;
    }

    private static string? CheckShape(int c, int act, int inSize, int outSize, int maxBatch, int xb, int yb, LayerKey[] ls, int modelVars, int minWidth = 1)
    {
        // A width below minWidth (4 in ZK mode) is padded to minWidth: its log2 is then fixed, not ⌈log2 width⌉.
        int minVars = System.Numerics.BitOperations.Log2((uint)minWidth);
        if (c < 1 || c > 20) return $"limb bits {c}";
        if (act < 2 || act > 16) return $"activation bits {act}";
        if (maxBatch < 1 || maxBatch > 1 << 20 || (maxBatch & (maxBatch - 1)) != 0) return $"max batch {maxBatch}";
        if (xb != (act + 7) / 8) return $"input bytes {xb}";
        if (yb is not (1 or 2 or 4 or 8)) return $"output bytes {yb}";
        if (modelVars < 0 || modelVars > 30) return $"model vector 2^{modelVars}";
        for (int i = 0; i < ls.Length; i++)
        {
            var l = ls[i];
            bool hidden = i < ls.Length - 1;
            if (l.InVars < 0 || l.InVars > 24 || l.OutVars < 0 || l.OutVars > 24) return $"layer {i} dimensions";
            if (l.IsSpatial || (i > 0 && ls[i - 1].IsSpatial))
            {
                if (l.IsSpatial && ProofShapes.SpatialProblem(l, i, hidden, c) is { } sp) return sp;
                if (l.IsSpatial && i > 0 && ProofShapes.SpatialInputProblem(i, ls[i - 1].Geometry, l.Geometry!) is { } ip) return ip;
                if (i > 0 && l.InVars != ls[i - 1].OutVars) return $"layer {i} input does not match layer {i - 1} output";
            }
            else
            {
                if (l.InputSize < 1 || l.InputSize > 1 << l.InVars || l.InVars < minVars || (l.InVars > minVars && l.InputSize <= 1 << (l.InVars - 1))) return $"layer {i} input size";
                if (l.OutputSize < 1 || l.OutputSize > 1 << l.OutVars || l.OutVars < minVars || (l.OutVars > minVars && l.OutputSize <= 1 << (l.OutVars - 1))) return $"layer {i} output size";
            }
            if (i > 0 && (ls[i - 1].OutputSize != l.InputSize)) return $"layer {i} input does not match layer {i - 1} output";
            if (hidden && l.Kind == LayerKind.MaxPool)
            {
                if (l.Multiplier != 0 || l.Shift != 0 || l.Limbs != 0 || l.QMin != 0 || l.TableVars != 0) return $"max-pool layer {i} constants";
            }
            else if (hidden && !ValidRequantization(l, c))
                return $"layer {i} requantization constants";
            // The output layer has all-zero constants, or (a proven final activation) valid ones like a hidden layer.
            if (!hidden && l.Multiplier == 0 && (l.Shift != 0 || l.Limbs != 0 || l.QMin != 0 || l.TableVars != 0)) return "output layer constants";
            if (!hidden && l.Multiplier != 0 && !ValidRequantization(l, c))
                return "output layer requantization constants";
        }
        if (ls[0].InputSize != inSize || ls[^1].OutputSize != outSize) return "input/output sizes";
        return null;
    }

    // Limbs · c in long arithmetic and limbs ≥ 1: an int product wraps (2^30 + 2 limbs of 4 bits "equal" a
    // shift of 8) and the verifier would then loop over the limb count.
    private static bool ValidRequantization(LayerKey l, int c) =>
        l.Multiplier >= 1 && l.Shift >= 1 && l.Shift <= 62 && l.Limbs >= 1 && (long)l.Limbs * c == l.Shift
        && l.TableVars >= 0 && l.TableVars <= 24;
}

/// <summary>A key, proof or proof file that is malformed, with the file (or source) and the problem.</summary>
public sealed class InferenceFormatException(string source, string problem) : Exception($"{source}: {problem}")
{
    /// <summary>The file or source name.</summary>
    public string FileName { get; } = source;

    /// <summary>What is wrong.</summary>
    public string Problem { get; } = problem;
}
