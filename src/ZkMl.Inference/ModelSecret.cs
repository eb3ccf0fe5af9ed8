using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;

namespace ZkMl.Inference;

/// <summary>
/// <c>model.secret</c> (docs/protocol.md "Keys" → "ZK mode (in progress)"): the blindings s_0 … s_{2^k−1} of a zero-knowledge
/// verifying key's hiding model part commitments, and that key's digest. Whoever holds it (with the circuit) can open the
/// model commitment, i.e. show which weights the key commits to (<see cref="ModelOpening"/>); nobody else can test a guess
/// of the weights against the key. Written by <c>zkml setup</c> beside the keys, never inside them.
/// </summary>
public sealed class ModelSecret
{
    private static ReadOnlySpan<byte> Magic => "ZKMLMSK\0"u8;

    /// <summary>The format version written by <see cref="ToBytes"/>.</summary>
    public const uint Version = 1;

    private readonly Fr[] _blindings;

    /// <summary>A secret for the key with digest <paramref name="vkDigest"/>.</summary>
    /// <exception cref="ArgumentException">The digest is not 32 bytes or there is no blinding.</exception>
    public ModelSecret(byte[] vkDigest, IReadOnlyList<Fr> blindings)
    {
        ArgumentNullException.ThrowIfNull(vkDigest);
        ArgumentNullException.ThrowIfNull(blindings);
        if (vkDigest.Length != 32) throw new ArgumentException($"a verifying key digest is 32 bytes, not {vkDigest.Length}", nameof(vkDigest));
        if (blindings.Count == 0) throw new ArgumentException("no blinding", nameof(blindings));
        VkDigest = (byte[])vkDigest.Clone();
        _blindings = [.. blindings];
    }

    /// <summary>SHA-256 of the verifying key these blindings belong to (its <see cref="VerifyingKey.Digest"/>).</summary>
    public byte[] VkDigest { get; }

    /// <summary>The blindings s_j, one per model part (secret).</summary>
    public IReadOnlyList<Fr> Blindings => _blindings;

    /// <summary>The key digest only: the blindings never appear in a message or log.</summary>
    public override string ToString() => $"ModelSecret {{ VkDigest = {Convert.ToHexStringLower(VkDigest)}, Parts = {_blindings.Length} }}";

    /// <summary>
    /// The file: magic "ZKMLMSK\0", u32 version 1, the VK digest (32 bytes), u32 count, count blindings (32 bytes each,
    /// big-endian, each &lt; r), SHA-256 of everything before it.
    /// </summary>
    public byte[] ToBytes()
    {
        var b = new byte[8 + 4 + 32 + 4 + 32 * _blindings.Length + 32];
        var s = b.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], Version);
        VkDigest.CopyTo(s[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[44..], (uint)_blindings.Length);
        for (int j = 0; j < _blindings.Length; j++) _blindings[j].WriteBigEndian(s.Slice(48 + 32 * j, 32));
        SHA256.HashData(s[..^32], s[^32..]);
        return b;
    }

    /// <summary>Writes the file (temporary file + rename).</summary>
    public void Save(string path) => Algebra.IO.AtomicFile.WriteSecret(path, ToBytes());

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InferenceFormatException">Missing, truncated, corrupt, another version or a blinding ≥ r.</exception>
    public static ModelSecret Load(string path)
    {
        if (!File.Exists(path)) throw new InferenceFormatException(path, "file not found");
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes <see cref="ToBytes"/> output; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InferenceFormatException">See <see cref="Load"/>.</exception>
    public static ModelSecret FromBytes(ReadOnlySpan<byte> s, string source = "model.secret")
    {
        SecretFileHeader.Check(s, Magic, Version, "model secret", source);
        if (s.Length < 48 + 32) throw new InferenceFormatException(source, $"truncated: {s.Length} bytes");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(s[44..]);
        long expected = 48 + 32L * count + 32;
        if (count == 0 || count > 1024 || s.Length != expected)
            throw new InferenceFormatException(source, $"corrupt or truncated: {s.Length} bytes for {count} blinding(s) (expected {expected})");
        Span<byte> d = stackalloc byte[32];
        SHA256.HashData(s[..^32], d);
        if (!d.SequenceEqual(s[^32..])) throw new InferenceFormatException(source, "corrupt: SHA-256 digest does not match the contents");
        var bl = new Fr[count];
        for (int j = 0; j < count; j++)
            if (!Fr.TryFromBytesBigEndian(s.Slice(48 + 32 * j, 32), out bl[j]))
                throw new InferenceFormatException(source, $"blinding {j} is not below the scalar field modulus r");
        return new ModelSecret(s.Slice(12, 32).ToArray(), bl);
    }

    /// <summary>The blindings as the proving key's sixth part: u32 count, count × 32 bytes big-endian.</summary>
    internal static byte[] EncodeBlindings(IReadOnlyList<Fr> blindings)
    {
        var b = new byte[4 + 32 * blindings.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)blindings.Count);
        for (int j = 0; j < blindings.Count; j++) blindings[j].WriteBigEndian(b.AsSpan(4 + 32 * j, 32));
        return b;
    }

    /// <summary>Decodes <see cref="EncodeBlindings"/>; never throws.</summary>
    internal static bool TryDecodeBlindings(ReadOnlySpan<byte> b, out Fr[]? blindings, out string? reason)
    {
        blindings = null;
        if (b.Length < 4) { reason = "truncated"; return false; }
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(b);
        if (count == 0 || count > 1024 || b.Length != 4 + 32L * count) { reason = $"{b.Length} bytes for {count} blinding(s)"; return false; }
        var r = new Fr[count];
        for (int j = 0; j < count; j++)
            if (!Fr.TryFromBytesBigEndian(b.Slice(4 + 32 * j, 32), out r[j])) { reason = $"blinding {j} is not below r"; return false; }
        blindings = r;
        reason = null;
        return true;
    }
}

/// <summary>The verdict of <see cref="ModelOpening.Check"/>.</summary>
/// <param name="IsValid">Every part commitment of the key opens to the circuit's weights with the secret's blindings.</param>
/// <param name="Reason">Why not (names the file and the first part that differs), or null.</param>
/// <param name="FailingParts">Every part whose commitment differs (empty when valid or when a check before the parts failed).</param>
public sealed record ModelOpeningResult(bool IsValid, string? Reason, IReadOnlyList<int> FailingParts)
{
    internal static ModelOpeningResult Fail(string reason, IReadOnlyList<int>? parts = null) => new(false, reason, parts ?? []);
}

/// <summary>
/// Opening the model commitment of a zero-knowledge verifying key (<c>zkml open-model</c>, docs/zk-design.md §2, review
/// finding 7): the key has no whole-model commitment; its identity is its digest, which covers H, the public-circuit digest
/// and every hiding part C_j. The opening recomputes every [part_j(τ)]₁ + s_j·H from the circuit's weights and the secret's
/// blindings and compares each with the key.
/// </summary>
public static class ModelOpening
{
    /// <summary>
    /// Checks that <paramref name="vk"/> commits to <paramref name="circuit"/>'s model: the secret belongs to this key, the
    /// circuit's public digest is the key's, the SRS is the key's ([1]₂, [τ]₂, H), and every part j recommitted with s_j
    /// equals C_j.
    /// </summary>
    public static ModelOpeningResult Check(VerifyingKey vk, Circuit circuit, ModelSecret secret, Srs srs)
    {
        ArgumentNullException.ThrowIfNull(vk);
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(srs);
        if (!vk.IsZk) return ModelOpeningResult.Fail("the verifying key is not a zero-knowledge key: its model commitments are not blinded (recompute them from the circuit: zkml setup is deterministic there)");
        if (!secret.VkDigest.AsSpan().SequenceEqual(vk.Digest))
            return ModelOpeningResult.Fail($"the model secret belongs to another verifying key (digest {Convert.ToHexStringLower(secret.VkDigest)[..16]}…), not this one ({vk.DigestHex[..16]}…)");
        if (!vk.Matches(circuit))
            return ModelOpeningResult.Fail($"the circuit is not the verifying key's: its public-circuit digest {circuit.PublicDigestHex[..16]}… differs from the key's {Convert.ToHexStringLower(vk.CircuitDigest)[..16]}… (another shape, constant or ZK flag)");
        if (secret.Blindings.Count != vk.ModelCommitments.Count)
            return ModelOpeningResult.Fail($"the model secret has {secret.Blindings.Count} blinding(s), the key {vk.ModelCommitments.Count} model part(s)");
        if (srs.G2 != vk.Kzg.G2 || srs.TauG2 != vk.Kzg.TauG2) return ModelOpeningResult.Fail("the SRS is not the verifying key's ([τ]₂ differs)");
        if (srs.BlindingBase != vk.BlindingBase) return ModelOpeningResult.Fail("the SRS's blinding base H = alphaTauG1[0] is not the verifying key's");
        var model = InferenceSetup.BuildModel(circuit, vk.Shape);
        if (model.Length > srs.MaxDegree + 1L) return ModelOpeningResult.Fail($"the SRS has {srs.MaxDegree + 1} powers; the model vector needs {model.Length}");
        var recommitted = Recommit(srs, model, vk.ModelVars, vk.BlindingBase!.Value, secret.Blindings);
        var failing = Enumerable.Range(0, recommitted.Length).Where(j => recommitted[j] != vk.ModelCommitments[j]).ToArray();
        if (failing.Length == 0) return new ModelOpeningResult(true, null, []);
        string which = recommitted.Length == 1 ? "the model commitment (one part: the whole model vector)" : $"model part {failing[0]}";
        string more = failing.Length > 1 ? $" (parts {string.Join(", ", failing)} differ)" : "";
        return ModelOpeningResult.Fail($"{which} does not open: the commitment of the circuit's weights with the secret's blinding differs from the key's (another model, a changed weight, or a wrong blinding){more}", failing);
    }

    /// <summary>[part_j(τ)]₁ + s_j·H for every part of <paramref name="model"/>.</summary>
    internal static G1Affine[] Recommit(Srs srs, long[] model, int modelVars, in G1Affine h, IReadOnlyList<Fr> blindings)
    {
        int count = Math.Max(1, VerifyingKey.ModelPartCount(modelVars)), len = model.Length / count;
        if (blindings.Count != count) throw new ArgumentException($"{blindings.Count} blindings for {count} parts", nameof(blindings));
        var r = new G1Affine[count];
        for (int j = 0; j < count; j++) r[j] = InferenceSetup.CommitPartHiding(srs, model.AsSpan(j * len, len), h, blindings[j]);
        return r;
    }
}
