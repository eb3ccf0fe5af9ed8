using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Proofs.Inference;

namespace ZkMl.Cli;

/// <summary>
/// The bytes of pk.bin and vk.bin, checked to load back before they are written.
/// </summary>
/// <remarks>
/// Works around a defect of <see cref="VerifyingKey.ToBytes"/> in this version of ZkMl.Proofs: it writes
/// 44-byte layer records and puts its SHA-256 right after them, while <see cref="VerifyingKey.TryFromBytes"/>
/// sizes the file with the documented 48 bytes per layer, so a saved key never loads ("corrupt: SHA-256
/// digest does not match"). Both sides read and write the same 44-byte fields, so the same content padded
/// with 4 zero bytes per layer before the digest loads and yields the same key (same VK digest, checked).
/// When the library's own bytes round-trip, they are used unchanged and this does nothing.
/// </remarks>
internal static class KeyFiles
{
    /// <summary>Bytes of <paramref name="vk"/> that <see cref="VerifyingKey.TryFromBytes"/> reads back to the same key.</summary>
    public static byte[] VerifyingKeyBytes(VerifyingKey vk)
    {
        var bytes = vk.ToBytes();
        if (LoadsAs(bytes, vk, out _)) return bytes;
        var padded = Repad(bytes, vk.Layers.Count);
        if (LoadsAs(padded, vk, out var reason)) return padded;
        throw new InvalidOperationException("the verifying key does not load back: " + reason);
    }

    /// <summary>Bytes of <paramref name="pk"/> whose embedded verifying key loads back (see the remarks).</summary>
    public static byte[] ProvingKeyBytes(ProvingKey pk)
    {
        var bytes = pk.ToBytes();
        var vkOriginal = pk.VerifyingKey.ToBytes();
        var vkGood = VerifyingKeyBytes(pk.VerifyingKey);
        if (vkGood.AsSpan().SequenceEqual(vkOriginal)) return bytes;
        // Container: magic (8), u32 version, then u32 length + bytes of the VK, circuit, SRS, then SHA-256.
        const int vkAt = 12 + 4;
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)) != vkOriginal.Length || !bytes.AsSpan(vkAt, vkOriginal.Length).SequenceEqual(vkOriginal))
            throw new InvalidOperationException("unexpected proving key layout");
        vkGood.CopyTo(bytes, vkAt);
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        return bytes;
    }

    private static bool LoadsAs(byte[] bytes, VerifyingKey vk, out string? reason)
    {
        if (!VerifyingKey.TryFromBytes(bytes, out var back, out reason)) return false;
        if (back!.Digest.AsSpan().SequenceEqual(vk.Digest)) return true;
        reason = "the key read back has another digest";
        return false;
    }

    private static byte[] Repad(byte[] bytes, int layers)
    {
        int content = bytes.Length - 32 - 4 * layers;
        var r = new byte[bytes.Length];
        bytes.AsSpan(0, content).CopyTo(r);
        SHA256.HashData(r.AsSpan(0, r.Length - 32), r.AsSpan(r.Length - 32));
        return r;
    }
}
