using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;

namespace ZkMl.Inference;

/// <summary>
/// The proving key: the verifying key, the circuit, the SRS powers the proofs need and the model
/// vector (docs/protocol.md "Keys"). Made by <see cref="InferenceSetup.Run(ZkMl.Compiler.Quantization.Circuit, Srs, int, bool)"/>.
/// </summary>
public sealed class ProvingKey
{
    private static ReadOnlySpan<byte> Magic => "ZKMLPK\0\0"u8;

    /// <summary>Format version of a default-mode key of dense layers only, written by <see cref="Save"/> (unchanged by the ZK work).</summary>
    public const uint Version = 4;

    /// <summary>Format version written for a circuit with conv or pooling layers (its verifying key is version 5).</summary>
    public const uint SpatialVersion = 5;

    /// <summary>
    /// Format version of a zero-knowledge key (docs/protocol.md "Keys" → "ZK mode (in progress)"): version 4's parts with
    /// the verifying key of version 6, the SRS with its blinding base H, a sixth part, the model blindings, and a seventh, the
    /// affine-mask points of the ZK batched opening (<see cref="ZkMaskPoints"/>).
    /// </summary>
    public const uint ZkVersion = 6;

    internal ProvingKey(VerifyingKey vk, Circuit circuit, Srs srs, long[] model)
    {
        VerifyingKey = vk; Circuit = circuit; Srs = srs; Model = model;
    }

    /// <summary>A key whose model vector in the field differs from <paramref name="model"/> outside every item (tests: the forgery with a known τ).</summary>
    internal ProvingKey(VerifyingKey vk, Circuit circuit, Srs srs, long[] model, Fr[] modelFr) : this(vk, circuit, srs, model)
    {
        _modelFr = modelFr;
    }

    /// <summary>The matching verifying key.</summary>
    public VerifyingKey VerifyingKey { get; }

    /// <summary>The compiled circuit.</summary>
    public Circuit Circuit { get; }

    /// <summary>The SRS prefix the proofs use.</summary>
    public Srs Srs { get; }

    internal long[] Model { get; }

    /// <summary>
    /// The blindings s_j of the hiding model part commitments (zero-knowledge keys only, else null): C_j = [part_j(τ)]₁ + s_j·H.
    /// They open the model commitment: a ZK proving key is a secret file (it holds the weights as well).
    /// </summary>
    internal Fr[]? ModelBlindings { get; init; }

    /// <summary>The affine-mask points of the ZK batched opening for every N the SRS opens (zero-knowledge keys only, else null).</summary>
    internal ZkMaskPointTable? ZkMasks { get; set; }

    /// <summary>
    /// The N + 1 + K affine-mask points [S_∅, S_0 … S_(N−1), U_0 … U_(K−1)] of the zero-knowledge batched opening over
    /// <paramref name="numVars"/> = N variables (the batched sumcheck's N = max n_g of a proof's vectors; docs/protocol.md
    /// "Batched openings" → "ZK mode"), equal to <see cref="ZkMl.Proofs.Openings.ZkOpeningSetup.MaskPoints(Srs, int)"/>(Srs, N),
    /// computed once at setup. A ZK key holds them for every N from 4 to ⌊log₂ (SRS powers)⌋, so every batch size the key
    /// supports finds its N here.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not a zero-knowledge key.</exception>
    /// <exception cref="ArgumentOutOfRangeException">N outside <see cref="ZkMaskVars"/>.</exception>
    public IReadOnlyList<G1Affine> ZkMaskPoints(int numVars)
        => (ZkMasks ?? throw new InvalidOperationException("not a zero-knowledge proving key: it has no ZK mask points")).Points(numVars);

    /// <summary>The range of N for which <see cref="ZkMaskPoints"/> has points (zero-knowledge keys; empty when Max &lt; Min), or null for a default key.</summary>
    public (int Min, int Max)? ZkMaskVars => ZkMasks is { } t ? (ZkMaskPointTable.MinVars, t.MaxVars) : null;

    /// <summary>Precomputed fold commitments (HyperKZG levels 1 and 2) of the model vector's parts (<see cref="VerifyingKey.ModelParts"/>), or null.</summary>
    internal ZkMl.Proofs.Commitments.FoldBases[]? ModelFolds { get; set; }

    private Fr[]? _modelFr;

    internal Fr[] ModelFr => _modelFr ??= FrVector.FromInt64(Model);

    private readonly Dictionary<int, (sbyte[]?, int[]?)> _weights = [];

    /// <summary>
    /// Layer ℓ's weight item as committed in the model vector (padded rows included: layer 0's may
    /// hold other items, which the zero-padded input cancels), as int8 (when it fits) or int32, cached.
    /// </summary>
    internal (sbyte[]? Int8, int[]? Int32) PaddedWeights(int layer)
    {
        lock (_weights)
        {
            if (_weights.TryGetValue(layer, out var w)) return w;
            var ml = VerifyingKey.Shape.ModelLayout;
            int item = KeyShape.WeightItem(layer);
            var p = Model.AsSpan((int)ml.Offset(item), (int)ml.Size(item)).ToArray();
            w = p.All(v => v >= sbyte.MinValue && v <= sbyte.MaxValue)
                ? (p.Select(v => (sbyte)v).ToArray(), null)
                : (null, p.Select(v => checked((int)v)).ToArray());
            _weights[layer] = w;
            return w;
        }
    }

    /// <summary>Writes the key (temporary file + rename); a zero-knowledge key holds the hidden weights and their blindings, so it is written as a secret file (mode 0600).</summary>
    public void Save(string path)
    {
        if (VerifyingKey.IsZk) Algebra.IO.AtomicFile.WriteSecret(path, ToBytes());
        else Algebra.IO.AtomicFile.WriteAllBytes(path, ToBytes());
    }

    /// <summary>The serialized key.</summary>
    public byte[] ToBytes()
    {
        var vk = VerifyingKey.ToBytes();
        var circuit = CircuitFile.ToBytes(Circuit);
        byte[] srs = VerifyingKey.IsZk ? [] : Srs.ToBytes();
        var table = Srs.Table?.ToBytes() ?? [];
        byte[] folds = ModelFolds is { } mf ? mf.SelectMany(f => f.ToBytes()).ToArray() : [];
        bool zk = VerifyingKey.IsZk;
        // (a ZK key: the SRS with its blinding base, the blindings as a sixth part, the affine-mask points as a seventh)
        byte[][] parts = zk
            ? [vk, circuit, Srs.ToBytes(withBlindingBase: true), table, folds, ModelSecret.EncodeBlindings(ModelBlindings!), ZkMasks!.ToBytes()]
            : [vk, circuit, srs, table, folds];
        var buf = new byte[12 + 4 * parts.Length + parts.Sum(p => p.Length) + 32];
        var s = buf.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], VerifyingKey.FormatVersion);
        int o = 12;
        foreach (var part in parts)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)part.Length); o += 4;
            part.CopyTo(s[o..]); o += part.Length;
        }
        SHA256.HashData(s[..o], s[o..]);
        return buf;
    }

    /// <summary>Reads a key written by <see cref="Save"/>, re-deriving the model vector from the circuit and checking that circuit and SRS match the verifying key.</summary>
    /// <exception cref="InferenceFormatException">Missing, truncated, corrupt, another version or inconsistent.</exception>
    public static ProvingKey Load(string path)
    {
        if (!File.Exists(path)) throw new InferenceFormatException(path, "file not found");
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes <see cref="ToBytes"/> output; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InferenceFormatException">Malformed.</exception>
    public static ProvingKey FromBytes(ReadOnlySpan<byte> s, string source = "pk.bin")
    {
        if (s.Length < 12 || !s[..8].SequenceEqual(Magic)) throw new InferenceFormatException(source, "not a ZkMl proving key (bad magic)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        if (version is not (Version or SpatialVersion or ZkVersion)) throw new InferenceFormatException(source, VerifyingKey.VersionProblem("proving", version));
        bool zk = version == ZkVersion;
        int partCount = zk ? 7 : 5;
        if (s.Length < 12 + 4 * partCount + 32) throw new InferenceFormatException(source, $"truncated: {s.Length} bytes");
        Span<byte> d = stackalloc byte[32];
        SHA256.HashData(s[..^32], d);
        if (!d.SequenceEqual(s[^32..])) throw new InferenceFormatException(source, "corrupt or truncated: SHA-256 digest does not match the contents");
        int o = 12;
        var parts = new byte[partCount][];
        for (int i = 0; i < partCount; i++)
        {
            if (o + 4 > s.Length - 32) throw new InferenceFormatException(source, "truncated");
            long len = BinaryPrimitives.ReadUInt32LittleEndian(s[o..]); o += 4;
            if (o + len > s.Length - 32) throw new InferenceFormatException(source, "truncated");
            parts[i] = s.Slice(o, (int)len).ToArray(); o += (int)len;
        }
        if (o != s.Length - 32) throw new InferenceFormatException(source, "trailing bytes");
        if (!VerifyingKey.TryFromBytes(parts[0], out var vk, out var reason)) throw new InferenceFormatException(source, "verifying key: " + reason);
        if (vk!.FormatVersion != version)
            throw new InferenceFormatException(source, vk.IsZk ? $"a version-{version} proving key holds a zero-knowledge verifying key"
                : zk ? $"a version-{ZkVersion} (zero-knowledge) proving key holds a default-mode verifying key" : $"a version-{version} proving key holds a version-{vk.FormatVersion} verifying key");
        Circuit circuit;
        try { circuit = CircuitFile.FromBytes(parts[1], source); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { throw new InferenceFormatException(source, "circuit: " + ex.Message); }
        Srs srs;
        try { srs = Srs.FromBytes(parts[2], source); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { throw new InferenceFormatException(source, "SRS: " + ex.Message); }
        if (!vk.Matches(circuit)) throw new InferenceFormatException(source, "the circuit does not match the verifying key");
        var model = InferenceSetup.BuildModel(circuit, vk.Shape);
        Fr[]? blindings = null;
        if (zk)
        {
            if (!ModelSecret.TryDecodeBlindings(parts[5], out blindings, out var why)) throw new InferenceFormatException(source, "model blindings: " + why);
            if (blindings!.Length != vk.ModelCommitments.Count) throw new InferenceFormatException(source, $"model blindings: {blindings.Length} for {vk.ModelCommitments.Count} model parts");
            if (srs.BlindingBase != vk.BlindingBase) throw new InferenceFormatException(source, "the SRS's blinding base H does not match the verifying key's");
        }
        ZkMaskPointTable? masks = null;
        if (zk && !ZkMaskPointTable.TryFromBytes(parts[6], srs.G1Powers.Length, out masks, out var maskWhy))
            throw new InferenceFormatException(source, "ZK mask points: " + maskWhy);
        var pk = new ProvingKey(vk, circuit, srs, model) { ModelBlindings = blindings, ZkMasks = masks };
        if (srs.MaxDegree + 1L < model.Length) throw new InferenceFormatException(source, "SRS smaller than the model vector");
        if (srs.G2 != vk.Kzg.G2 || srs.TauG2 != vk.Kzg.TauG2) throw new InferenceFormatException(source, "the SRS does not match the verifying key");
        if (!srs.Origin.Equals(vk.Origin)) throw new InferenceFormatException(source, $"the SRS origin ({srs.Origin}) does not match the verifying key's ({vk.Origin})");
        if (parts[3].Length > 0)
        {
            try { srs.AttachTable(FixedBaseTable.FromBytes(parts[3])); }
            catch (Exception ex) when (ex is FormatException or ArgumentException) { throw new InferenceFormatException(source, "fixed-base table: " + ex.Message); }
        }
        // The model identity: the key's model commitments must be those of the circuit's model vector (ZK: with the blindings).
        var recommitted = zk ? ModelOpening.Recommit(srs, model, vk.ModelVars, vk.BlindingBase!.Value, blindings!) : InferenceSetup.CommitModel(srs, model, vk.ModelVars);
        for (int j = 0; j < recommitted.Length; j++)
            if (recommitted[j] != vk.ModelCommitments[j])
                throw new InferenceFormatException(source, recommitted.Length == 1
                    ? "the verifying key's model commitment is not the commitment of the circuit's model vector"
                    : $"the verifying key's model part {j} commitment is not the commitment of that part of the circuit's model vector");
        if (parts[4].Length > 0)
        {
            int count = vk.ModelParts.Count, each = parts[4].Length / Math.Max(1, count);
            if (count == 0 || each * count != parts[4].Length) throw new InferenceFormatException(source, $"model fold bases: {parts[4].Length} bytes for {count} parts");
            try { pk.ModelFolds = Enumerable.Range(0, count).Select(j => ZkMl.Proofs.Commitments.FoldBases.FromBytes(parts[4].AsSpan(j * each, each))).ToArray(); }
            catch (FormatException ex) { throw new InferenceFormatException(source, "model fold bases: " + ex.Message); }
        }
        return pk;
    }
}
