using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CsCheck;

namespace ZkMl.TestKit;

/// <summary>One structured edit of a file's bytes; <see cref="ToString"/> says what it did (for failure reports).</summary>
public abstract record Mutation
{
    /// <summary>The edited copy of <paramref name="b"/> (positions are taken modulo the length, so any value applies to any file).</summary>
    public abstract byte[] Apply(byte[] b);

    internal static int At(int pos, int len) => len == 0 ? 0 : (int)((uint)pos % (uint)len);
}

/// <summary>Keeps the first <c>Keep</c> bytes.</summary>
public sealed record Truncate(int Keep) : Mutation
{
    public override byte[] Apply(byte[] b) => b[..Math.Min(b.Length, (int)((uint)Keep % (uint)(b.Length + 1)))];
}

/// <summary>Appends bytes.</summary>
public sealed record Extend(byte[] Tail) : Mutation
{
    public override byte[] Apply(byte[] b) => [.. b, .. Tail];
    public override string ToString() => $"Extend({Tail.Length} bytes)";
}

/// <summary>XORs bytes at positions.</summary>
public sealed record Flip((int Pos, byte Xor)[] Edits) : Mutation
{
    public override byte[] Apply(byte[] b)
    {
        var r = (byte[])b.Clone();
        if (r.Length == 0) return r;
        foreach (var (p, x) in Edits) r[At(p, r.Length)] ^= (byte)(x == 0 ? 1 : x);
        return r;
    }
    public override string ToString() => $"Flip({string.Join(", ", Edits.Select(e => $"{e.Pos}^{e.Xor:x2}"))})";
}

/// <summary>Overwrites a little- or big-endian integer of 1, 2, 4 or 8 bytes (a length, count or offset field).</summary>
public sealed record SetWord(int Pos, int Width, ulong Value, bool BigEndian) : Mutation
{
    public override byte[] Apply(byte[] b)
    {
        var r = (byte[])b.Clone();
        if (r.Length < Width) return r;
        int p = At(Pos, r.Length - Width + 1);
        Span<byte> w = stackalloc byte[8];
        if (BigEndian) BinaryPrimitives.WriteUInt64BigEndian(w, Value); else BinaryPrimitives.WriteUInt64LittleEndian(w, Value);
        (BigEndian ? w[(8 - Width)..] : w[..Width]).CopyTo(r.AsSpan(p));
        return r;
    }
}

/// <summary>Swaps two chunks of equal length (sections, records, points).</summary>
public sealed record Swap(int A, int B, int Length) : Mutation
{
    public override byte[] Apply(byte[] b)
    {
        var r = (byte[])b.Clone();
        int len = Math.Min(Length, r.Length / 2);
        if (len == 0) return r;
        int a = At(A, r.Length - len + 1), c = At(B, r.Length - len + 1);
        var tmp = r.AsSpan(a, len).ToArray();
        r.AsSpan(c, len).CopyTo(r.AsSpan(a));
        tmp.CopyTo(r.AsSpan(c));
        return r;
    }
}

/// <summary>Repeats a chunk <c>Times</c> times in place (inflated counts, repeated records).</summary>
public sealed record Repeat(int Pos, int Length, int Times) : Mutation
{
    public override byte[] Apply(byte[] b)
    {
        if (b.Length == 0) return b;
        int p = At(Pos, b.Length), len = Math.Max(1, Math.Min(Length, b.Length - p));
        var chunk = b.AsSpan(p, len);
        var r = new List<byte>(b.Length + len * Times);
        r.AddRange(b.AsSpan(0, p + len));
        for (int i = 0; i < Times; i++) r.AddRange(chunk);
        r.AddRange(b.AsSpan(p + len));
        return [.. r];
    }
}

/// <summary>Removes a chunk.</summary>
public sealed record Delete(int Pos, int Length) : Mutation
{
    public override byte[] Apply(byte[] b)
    {
        if (b.Length == 0) return b;
        int p = At(Pos, b.Length), len = Math.Min(Math.Max(1, Length), b.Length - p);
        return [.. b.AsSpan(0, p), .. b.AsSpan(p + len)];
    }
}

/// <summary>Replaces the protobuf varint that starts at a known offset with another value (a length, tag or count).</summary>
public sealed record SetVarint(int Offset, ulong Value) : Mutation
{
    public override byte[] Apply(byte[] b)
    {
        if (Offset >= b.Length) return b;
        int end = Offset;
        while (end < b.Length && end - Offset < 10 && (b[end] & 0x80) != 0) end++;
        end = Math.Min(end + 1, b.Length);
        var v = new List<byte>();
        ulong x = Value;
        do { byte c = (byte)(x & 0x7F); x >>= 7; v.Add(x != 0 ? (byte)(c | 0x80) : c); } while (x != 0);
        return [.. b.AsSpan(0, Offset), .. v, .. b.AsSpan(end)];
    }
}

/// <summary>Applies several mutations in a row.</summary>
public sealed record Chain(Mutation[] Steps) : Mutation
{
    public override byte[] Apply(byte[] b) { foreach (var m in Steps) b = m.Apply(b); return b; }
    public override string ToString() => string.Join(" → ", Steps.Select(s => s.ToString()));
}

/// <summary>After the edits, rewrites the trailing SHA-256 of the rest so the mutation reaches the decoder behind the checksum.</summary>
public sealed record Reseal(Mutation Inner) : Mutation
{
    public override byte[] Apply(byte[] b)
    {
        var r = Inner.Apply(b);
        if (r.Length >= 32) SHA256.HashData(r.AsSpan(0, r.Length - 32), r.AsSpan(r.Length - 32));
        return r;
    }
    public override string ToString() => $"Reseal({Inner})";
}

/// <summary>A whole replacement (random bytes, or a file of another format).</summary>
public sealed record Replace(byte[] Bytes) : Mutation
{
    public override byte[] Apply(byte[] b) => Bytes;
    public override string ToString() => $"Replace({Bytes.Length} bytes)";
}

/// <summary>
/// Generators of structured mutations of valid files: truncation, extension, byte flips, length and count
/// fields set to edge values (0, 1, 2^k ± 1, the file length ± 1, 2^31, 2^32 − 1, 2^64 − 1), chunk swaps,
/// repeats and deletions, protobuf varint rewrites at the offsets a wire-format walk found, and for
/// checksummed formats the same edits with the trailing SHA-256 recomputed. Random bytes are a small share.
/// </summary>
public static class Mutations
{
    /// <summary>Integer values that break length/count/offset arithmetic.</summary>
    public static ulong[] EdgeWords(int fileLength) =>
    [
        0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 255, 256, 1023, 1024, 65535, 65536,
        (ulong)fileLength - 1, (ulong)fileLength, (ulong)fileLength + 1, (ulong)fileLength * 2,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, ulong.MaxValue,
    ];

    /// <summary>A single structured mutation for a file of <paramref name="length"/> bytes; <paramref name="hints"/> are
    /// offsets of known length/count fields (u32, little-endian unless <paramref name="bigEndianHints"/>).</summary>
    public static Gen<Mutation> One(int length, int[]? hints = null, int[]? varints = null, bool bigEndianHints = false)
    {
        int n = Math.Max(1, length);
        var pos = Gen.Int[0, n - 1];
        var edge = Gen.OneOf(EdgeWords(length));
        var word = Gen.Frequency((3, (IGen<ulong>)edge), (1, Gen.ULong));
        var hintPos = hints is { Length: > 0 } ? (Gen<int>)Gen.OneOf(hints) : pos;
        var list = new List<(int, IGen<Mutation>)>
        {
            (3, Gen.Int[0, n].Select(k => (Mutation)new Truncate(k))),
            (2, Gen.Byte.Array[1, 64].Select(t => (Mutation)new Extend(t))),
            (1, Gen.Int[1, 4096].Select(k => (Mutation)new Extend(new byte[k]))),
            (5, Gen.Select(pos, Gen.Byte).Array[1, 8].Select(e => (Mutation)new Flip(e))),
            (4, Gen.Select(pos, Gen.OneOf(1, 2, 4, 8), word, Gen.Bool).Select((p, w, v, be) => (Mutation)new SetWord(p, w, v, be))),
            (4, Gen.Select(hintPos, word).Select((p, v) => (Mutation)new SetWord(p, 4, v, bigEndianHints))),
            (2, Gen.Select(pos, pos, Gen.OneOf(1, 4, 8, 32, 64, 128)).Select((a, b, l) => (Mutation)new Swap(a, b, l))),
            (2, Gen.Select(pos, Gen.Int[1, 256], Gen.Int[1, 64]).Select((p, l, t) => (Mutation)new Repeat(p, l, t))),
            (2, Gen.Select(pos, Gen.Int[1, 256]).Select((p, l) => (Mutation)new Delete(p, l))),
            (1, Gen.Byte.Array[0, 2 * n].Select(r => (Mutation)new Replace(r))),
        };
        if (varints is { Length: > 0 })
            list.Add((6, Gen.Select(Gen.OneOf(varints), word).Select((o, v) => (Mutation)new SetVarint(o, v))));
        return Gen.Frequency(list.ToArray());
    }

    /// <summary>One to three structured mutations; with <paramref name="checksummed"/>, three in four are resealed
    /// (the trailing SHA-256 recomputed) so they test the decoder, not only the checksum.</summary>
    public static Gen<Mutation> Of(int length, int[]? hints = null, int[]? varints = null, bool checksummed = false, bool bigEndianHints = false)
    {
        var one = One(length, hints, varints, bigEndianHints);
        var many = Gen.Frequency((6, (IGen<Mutation>)one), (3, one.Array[2, 3].Select(s => (Mutation)new Chain(s))));
        return checksummed ? Gen.Frequency((3, (IGen<Mutation>)many.Select(m => (Mutation)new Reseal(m))), (1, many)) : many;
    }

    /// <summary>Mutations of one of several valid files: (the seed's index, the mutation).</summary>
    public static Gen<(int Seed, Mutation Mutation)> OfSeeds(IReadOnlyList<byte[]> seeds, Func<byte[], int[]>? hints = null,
        Func<byte[], int[]>? varints = null, bool checksummed = false, bool bigEndianHints = false)
    {
        var perSeed = seeds.Select((s, i) => Of(s.Length, hints?.Invoke(s), varints?.Invoke(s), checksummed, bigEndianHints).Select(m => (i, m))).ToArray();
        return Gen.Int[0, seeds.Count - 1].SelectMany(i => perSeed[i]);
    }

    /// <summary>The offsets of every varint (tags, lengths, integer values) in a protobuf message, walking
    /// length-delimited fields recursively when their body parses as a message; stops at the first malformed byte.</summary>
    public static int[] ProtobufVarints(byte[] message)
    {
        var offsets = new List<int>();
        Walk(message, 0, message.Length, offsets, 0);
        return [.. offsets];
    }

    private static bool Walk(byte[] b, int start, int end, List<int> offsets, int depth)
    {
        int p = start;
        var found = new List<int>();
        while (p < end)
        {
            found.Add(p);
            if (!ReadVarint(b, ref p, end, out ulong tag)) return false;
            switch ((int)(tag & 7))
            {
                case 0: found.Add(p); if (!ReadVarint(b, ref p, end, out _)) return false; break;
                case 1: p += 8; break;
                case 5: p += 4; break;
                case 2:
                    found.Add(p);
                    if (!ReadVarint(b, ref p, end, out ulong len) || len > (ulong)(end - p)) return false;
                    int body = p; p += (int)len;
                    if (depth < 16 && len > 0)
                    {
                        var inner = new List<int>();
                        if (Walk(b, body, p, inner, depth + 1)) found.AddRange(inner);
                    }
                    break;
                default: return false;
            }
            if (p > end) return false;
        }
        offsets.AddRange(found);
        return true;
    }

    private static bool ReadVarint(byte[] b, ref int p, int end, out ulong v)
    {
        v = 0;
        for (int shift = 0; shift < 64 && p < end; shift += 7)
        {
            byte c = b[p++];
            v |= (ulong)(c & 0x7F) << shift;
            if ((c & 0x80) == 0) return true;
        }
        return false;
    }

    /// <summary>UTF-8 bytes of a string (for text formats that go through the byte mutations too).</summary>
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

/// <summary>
/// An edit of a .zkc circuit file's content (behind its 20-byte header: magic, version, u64 content length),
/// rewrapped with the new length and the content's SHA-256, so the edit reaches the content decoder.
/// </summary>
public sealed record ZkcContent(Mutation Inner) : Mutation
{
    public const int Header = 8 + 4 + 8;

    public override byte[] Apply(byte[] b)
    {
        if (b.Length < Header + 32) return Inner.Apply(b);
        var content = Inner.Apply(b[Header..^32]);
        var r = new byte[Header + content.Length + 32];
        b.AsSpan(0, 12).CopyTo(r);
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(12), (ulong)content.Length);
        content.CopyTo(r, Header);
        SHA256.HashData(content, r.AsSpan(Header + content.Length));
        return r;
    }
    public override string ToString() => $"ZkcContent({Inner})";
}

/// <summary>
/// An edit of one part of a proving key (magic, version, five u32-length-prefixed parts — verifying key,
/// circuit, SRS, fixed-base table, fold bases — and a SHA-256 of the rest), reassembled with the new length
/// and digest; the inner mutation carries the part's own framing (e.g. <see cref="Reseal"/>, <see cref="ZkcContent"/>).
/// </summary>
public sealed record ProvingKeyPart(int Part, Mutation Inner) : Mutation
{
    public override byte[] Apply(byte[] b)
    {
        var parts = new List<byte[]>();
        int o = 12;
        for (int i = 0; i < 5; i++)
        {
            if (o + 4 > b.Length - 32) return Inner.Apply(b);
            int len = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o)), int.MaxValue);
            o += 4;
            if (len > b.Length - 32 - o) return Inner.Apply(b);
            parts.Add(b[o..(o + len)]);
            o += len;
        }
        int p = (int)((uint)Part % 5u);
        parts[p] = Inner.Apply(parts[p]);
        var r = new List<byte>(b.Length + 64);
        r.AddRange(b.AsSpan(0, 12));
        Span<byte> w = stackalloc byte[4];
        foreach (var part in parts)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(w, (uint)part.Length);
            r.AddRange(w);
            r.AddRange(part);
        }
        var body = r.ToArray();
        return [.. body, .. SHA256.HashData(body)];
    }
    public override string ToString() => $"ProvingKeyPart({Part}: {Inner})";
}
