using System.Numerics;

namespace ZkMl.Evm.Signing;

/// <summary>Recursive Length Prefix encoding (Ethereum Yellow Paper, appendix B), the subset transactions need.</summary>
internal static class Rlp
{
    /// <summary>A byte string item.</summary>
    internal static byte[] String(ReadOnlySpan<byte> s)
    {
        if (s.Length == 1 && s[0] < 0x80) return [s[0]];
        return [.. Prefix(0x80, s.Length), .. s];
    }

    /// <summary>A non-negative integer: its minimal big-endian bytes (zero is the empty string).</summary>
    internal static byte[] Integer(BigInteger v)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(v);
        return String(v.IsZero ? [] : v.ToByteArray(isUnsigned: true, isBigEndian: true));
    }

    /// <summary>A list of already-encoded items.</summary>
    internal static byte[] List(params byte[][] encodedItems)
    {
        var payload = encodedItems.SelectMany(i => i).ToArray();
        return [.. Prefix(0xc0, payload.Length), .. payload];
    }

    private static byte[] Prefix(byte offset, int length)
    {
        if (length < 56) return [(byte)(offset + length)];
        var len = new BigInteger(length).ToByteArray(isUnsigned: true, isBigEndian: true);
        return [(byte)(offset + 55 + len.Length), .. len];
    }
}
