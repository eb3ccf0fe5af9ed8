using System.Buffers.Binary;

namespace ZkMl.Inference;

/// <summary>
/// The header every small file of the ZK mode starts with (model.secret, input.commit, input.opening): an 8-byte
/// magic ending in NUL and a little-endian u32 version, checked with the same messages for each file.
/// </summary>
internal static class SecretFileHeader
{
    /// <summary>Throws unless <paramref name="s"/> starts with <paramref name="magic"/> and <paramref name="version"/>;
    /// <paramref name="what"/> names the file kind in the message ("model secret").</summary>
    /// <exception cref="InferenceFormatException">Bad magic or another version.</exception>
    public static void Check(ReadOnlySpan<byte> s, ReadOnlySpan<byte> magic, uint version, string what, string source) => Check(s, magic, version, what, source, null);

    /// <summary>As above; <paramref name="olderNote"/> is appended to the message of an older version (what changed, what to re-run).</summary>
    /// <exception cref="InferenceFormatException">Bad magic or another version.</exception>
    public static void Check(ReadOnlySpan<byte> s, ReadOnlySpan<byte> magic, uint version, string what, string source, string? olderNote)
    {
        if (s.Length < 12 || !s[..8].SequenceEqual(magic))
            throw new InferenceFormatException(source, $"not a ZkMl {what} (bad magic; expected \"{System.Text.Encoding.ASCII.GetString(magic[..7])}\\0\")");
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        if (v != version)
            throw new InferenceFormatException(source, $"{what} version {v}, this zkml reads version {version}{(v > version ? " (made by a newer zkml?)" : olderNote is null ? "" : $" ({olderNote})")}");
    }
}
