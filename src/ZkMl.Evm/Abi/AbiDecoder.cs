using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace ZkMl.Evm.Abi;

/// <summary>
/// Strict decoding of ABI-encoded data (return data, calldata after the selector): offsets and
/// lengths are bounds-checked, integers must be correctly padded or sign-extended, bools 0 or 1.
/// Every failure is a <see cref="FormatException"/> that says which value and why.
/// </summary>
public static class AbiDecoder
{
    private const int W = AbiEncoder.WordSize;

    /// <summary>Selector of Solidity's <c>Error(string)</c> revert data.</summary>
    public static ReadOnlySpan<byte> ErrorSelector => [0x08, 0xc3, 0x79, 0xa0];

    /// <summary>Selector of Solidity's <c>Panic(uint256)</c> revert data.</summary>
    public static ReadOnlySpan<byte> PanicSelector => [0x4e, 0x48, 0x7b, 0x71];

    /// <summary>Decodes a tuple of the given types (names as for <see cref="AbiType.Parse"/>).</summary>
    /// <exception cref="FormatException">when the data does not hold a valid encoding of those types.</exception>
    public static AbiValue[] Decode(ReadOnlySpan<byte> data, params string[] types) =>
        Decode(data, types.Select(AbiType.Parse).ToArray());

    /// <summary>Decodes a tuple of the given types.</summary>
    /// <exception cref="FormatException">when the data does not hold a valid encoding of those types.</exception>
    public static AbiValue[] Decode(ReadOnlySpan<byte> data, params AbiType[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return ReadTuple(data, 0, types, "result");
    }

    /// <summary>Decodes return data holding one <c>bool</c>.</summary>
    /// <exception cref="FormatException">when it is not a 32-byte word holding 0 or 1.</exception>
    public static bool DecodeBool(ReadOnlySpan<byte> data) => Decode(data, AbiType.Bool)[0].AsBool();

    /// <summary>Decodes return data holding one <c>uint256</c>.</summary>
    /// <exception cref="FormatException">when the data is shorter than a word.</exception>
    public static BigInteger DecodeUint256(ReadOnlySpan<byte> data) => Decode(data, AbiType.Uint256)[0].AsInteger();

    /// <summary>Decodes return data holding one <c>int256</c>.</summary>
    /// <exception cref="FormatException">when the data is shorter than a word.</exception>
    public static BigInteger DecodeInt256(ReadOnlySpan<byte> data) => Decode(data, AbiType.Int256)[0].AsInteger();

    /// <summary>Decodes return data holding one dynamic <c>bytes</c>.</summary>
    /// <exception cref="FormatException">when the offset or length points outside the data.</exception>
    public static byte[] DecodeBytes(ReadOnlySpan<byte> data) => Decode(data, AbiType.Bytes)[0].AsBytes();

    /// <summary>
    /// A readable reason from revert data: the message of <c>Error(string)</c>, "Panic(0x11)" for
    /// <c>Panic(uint256)</c>, "custom error 0x…" for other selectors, null for empty data.
    /// </summary>
    public static string? DecodeRevertReason(ReadOnlySpan<byte> revertData)
    {
        if (revertData.IsEmpty) return null;
        try
        {
            if (revertData.Length >= 4 && revertData[..4].SequenceEqual(ErrorSelector))
                return Decode(revertData[4..], AbiType.String)[0].AsString();
            if (revertData.Length >= 4 && revertData[..4].SequenceEqual(PanicSelector))
                return $"Panic(0x{DecodeUint256(revertData[4..]):x2})";
        }
        catch (FormatException)
        {
            // fall through to the raw form
        }
        return "custom error " + EvmHex.Encode(revertData);
    }

    private static AbiValue[] ReadTuple(ReadOnlySpan<byte> data, int start, IReadOnlyList<AbiType> types, string where)
    {
        var result = new AbiValue[types.Count];
        for (int i = 0; i < types.Count; i++)
        {
            var t = types[i];
            string name = $"{where}[{i}] ({t})";
            var head = Word(data, start + (long)W * i, name);
            if (t.IsDynamic)
            {
                long offset = Offset(head, data.Length, name);
                result[i] = ReadDynamic(data, checked(start + (int)offset), t, name);
            }
            else
            {
                result[i] = ReadStatic(head, t, name);
            }
        }
        return result;
    }

    private static AbiValue ReadDynamic(ReadOnlySpan<byte> data, int position, AbiType t, string name)
    {
        long length = Offset(Word(data, position, name + " length"), data.Length, name + " length");
        int body = position + W;
        switch (t.Kind)
        {
            case AbiTypeKind.Bytes:
            case AbiTypeKind.String:
                if (body + length > data.Length)
                    throw new FormatException($"{name}: length {length} runs past the end of the {data.Length}-byte data");
                var bytes = data.Slice(body, (int)length).ToArray();
                if (t.Kind == AbiTypeKind.String)
                {
                    try { _ = new UTF8Encoding(false, true).GetString(bytes); }
                    catch (DecoderFallbackException) { throw new FormatException($"{name}: not valid UTF-8"); }
                }
                return AbiValue.FromDecoded(t, 0, bytes, null);
            case AbiTypeKind.Array:
                // Each element takes at least one head word: reject lengths the data cannot hold before allocating.
                if (body + length * W > data.Length)
                    throw new FormatException($"{name}: {length} elements need at least {length * W} bytes after offset {body}, data has {data.Length}");
                var elementTypes = Enumerable.Repeat(t.Element!, (int)length).ToArray();
                var elements = ReadTuple(data, body, elementTypes, name);
                return AbiValue.FromDecoded(t, 0, null, elements);
            default:
                throw new InvalidOperationException($"{t} is not dynamic");
        }
    }

    private static AbiValue ReadStatic(ReadOnlySpan<byte> word, AbiType t, string name)
    {
        var u = new BigInteger(word, isUnsigned: true, isBigEndian: true);
        switch (t.Kind)
        {
            case AbiTypeKind.Uint:
                if (u >> t.Size != 0) throw new FormatException($"{name}: value does not fit in {t.Size} bits");
                return AbiValue.FromDecoded(t, u, null, null);
            case AbiTypeKind.Int:
                var s = new BigInteger(word, isUnsigned: false, isBigEndian: true);
                var half = BigInteger.One << (t.Size - 1);
                if (s < -half || s >= half) throw new FormatException($"{name}: value is not a sign-extended {t.Size}-bit integer");
                return AbiValue.FromDecoded(t, s, null, null);
            case AbiTypeKind.Bool:
                if (u > 1) throw new FormatException($"{name}: a bool must be 0 or 1, got {EvmHex.Encode(word)}");
                return AbiValue.FromDecoded(t, u, null, null);
            case AbiTypeKind.Address:
                if (word[..12].ContainsAnyExcept((byte)0)) throw new FormatException($"{name}: the upper 12 bytes of an address must be zero");
                return AbiValue.FromDecoded(t, 0, word[12..].ToArray(), null);
            case AbiTypeKind.FixedBytes:
                if (word[t.Size..].ContainsAnyExcept((byte)0)) throw new FormatException($"{name}: the padding after {t.Size} bytes must be zero");
                return AbiValue.FromDecoded(t, 0, word[..t.Size].ToArray(), null);
            default:
                throw new InvalidOperationException($"{t} is not static");
        }
    }

    private static ReadOnlySpan<byte> Word(ReadOnlySpan<byte> data, long position, string name)
    {
        if (position < 0 || position + W > data.Length)
            throw new FormatException($"{name}: needs 32 bytes at offset {position}, data has {data.Length}");
        return data.Slice((int)position, W);
    }

    private static long Offset(ReadOnlySpan<byte> word, int dataLength, string name)
    {
        if (word[..24].ContainsAnyExcept((byte)0))
            throw new FormatException($"{name}: offset/length {EvmHex.Encode(word)} is larger than the {dataLength}-byte data");
        long v = BinaryPrimitives.ReadInt64BigEndian(word[24..]);
        if (v < 0 || v > dataLength)
            throw new FormatException($"{name}: offset/length {v} is larger than the {dataLength}-byte data");
        return v;
    }
}
