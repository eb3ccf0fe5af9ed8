using System.Numerics;
using ZkMl.Proofs.Hashing;

namespace ZkMl.Evm.Abi;

/// <summary>
/// Solidity contract ABI encoding (https://docs.soliditylang.org/en/latest/abi-spec.html):
/// function selectors and head/tail argument encoding, 32-byte words, big-endian.
/// </summary>
public static class AbiEncoder
{
    /// <summary>Bytes per ABI word.</summary>
    public const int WordSize = 32;

    /// <summary>The 4-byte function selector: the first 4 bytes of Keccak-256 of the canonical signature, e.g. "transfer(address,uint256)".</summary>
    /// <exception cref="ArgumentException">when the signature has spaces or no parentheses (it must be canonical).</exception>
    public static byte[] Selector(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Contains(' ', StringComparison.Ordinal) || !signature.EndsWith(')') || signature.IndexOf('(', StringComparison.Ordinal) <= 0)
            throw new ArgumentException($"\"{signature}\" is not a canonical signature like \"name(uint256,bytes)\"", nameof(signature));
        return Keccak256.Hash(System.Text.Encoding.ASCII.GetBytes(signature))[..4];
    }

    /// <summary>The canonical signature of <paramref name="functionName"/> applied to these arguments' types, e.g. "verify(bytes,int256[])".</summary>
    public static string Signature(string functionName, IEnumerable<AbiValue> arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        ArgumentNullException.ThrowIfNull(arguments);
        return functionName + "(" + string.Join(",", arguments.Select(a => a.Type.Name)) + ")";
    }

    /// <summary>
    /// Calldata for <paramref name="functionName"/>: the selector of the signature built from the
    /// arguments' types followed by the encoded arguments.
    /// </summary>
    public static byte[] EncodeCall(string functionName, params AbiValue[] arguments) =>
        EncodeCall(Selector(Signature(functionName, arguments)), arguments);

    /// <summary>Calldata: the given 4-byte <paramref name="selector"/> followed by the encoded arguments.</summary>
    /// <exception cref="ArgumentException">unless the selector is 4 bytes.</exception>
    public static byte[] EncodeCall(ReadOnlySpan<byte> selector, params AbiValue[] arguments)
    {
        if (selector.Length != 4) throw new ArgumentException($"a selector is 4 bytes, got {selector.Length}", nameof(selector));
        var args = EncodeArguments(arguments);
        var result = new byte[4 + args.Length];
        selector.CopyTo(result);
        args.CopyTo(result, 4);
        return result;
    }

    /// <summary>
    /// The ABI encoding of the argument tuple (as for calldata after the selector, constructor
    /// arguments after creation code, or return data).
    /// </summary>
    public static byte[] EncodeArguments(params AbiValue[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var output = new MemoryStream();
        WriteTuple(output, arguments);
        return output.ToArray();
    }

    private static void WriteTuple(MemoryStream output, IReadOnlyList<AbiValue> values)
    {
        // Every supported static type is one word, so the head is 32 bytes per value.
        long headSize = (long)WordSize * values.Count;
        var tails = new MemoryStream();
        Span<byte> word = stackalloc byte[WordSize];
        foreach (var v in values)
        {
            if (v.Type.IsDynamic)
            {
                WriteUnsignedWord(word, headSize + tails.Length);
                output.Write(word);
                WriteDynamic(tails, v);
            }
            else
            {
                WriteStatic(word, v);
                output.Write(word);
            }
        }
        tails.Position = 0;
        tails.CopyTo(output);
    }

    private static void WriteDynamic(MemoryStream output, AbiValue v)
    {
        Span<byte> word = stackalloc byte[WordSize];
        switch (v.Type.Kind)
        {
            case AbiTypeKind.Bytes:
            case AbiTypeKind.String:
                var b = v.RawBytes;
                WriteUnsignedWord(word, b.Length);
                output.Write(word);
                output.Write(b);
                int pad = (WordSize - b.Length % WordSize) % WordSize;
                output.Write(new byte[pad]);
                break;
            case AbiTypeKind.Array:
                WriteUnsignedWord(word, v.Elements.Count);
                output.Write(word);
                WriteTuple(output, v.Elements);
                break;
            default:
                throw new InvalidOperationException($"{v.Type} is not dynamic");
        }
    }

    private static void WriteStatic(Span<byte> word, AbiValue v)
    {
        word.Clear();
        switch (v.Type.Kind)
        {
            case AbiTypeKind.Uint:
            case AbiTypeKind.Bool:
                v.Integer.TryWriteBytes(word[(WordSize - v.Integer.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
                break;
            case AbiTypeKind.Int:
                var x = v.Integer.Sign >= 0 ? v.Integer : (BigInteger.One << 256) + v.Integer;
                x.TryWriteBytes(word[(WordSize - x.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
                break;
            case AbiTypeKind.Address:
                v.RawBytes.CopyTo(word[12..]);
                break;
            case AbiTypeKind.FixedBytes:
                v.RawBytes.CopyTo(word);
                break;
            default:
                throw new InvalidOperationException($"{v.Type} is not static");
        }
    }

    private static void WriteUnsignedWord(Span<byte> word, long value)
    {
        word.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(word[24..], value);
    }
}
