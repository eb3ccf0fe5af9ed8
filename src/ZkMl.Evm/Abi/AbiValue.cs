using System.Numerics;
using System.Text;

namespace ZkMl.Evm.Abi;

/// <summary>
/// A typed ABI value: what <see cref="AbiEncoder"/> encodes and <see cref="AbiDecoder"/> returns.
/// The factories check ranges (e.g. a uint256 must be in [0, 2^256)) so encoding cannot fail later.
/// </summary>
public sealed class AbiValue
{
    private readonly BigInteger _integer;
    private readonly byte[]? _bytes;
    private readonly IReadOnlyList<AbiValue>? _elements;

    private AbiValue(AbiType type, BigInteger integer, byte[]? bytes, IReadOnlyList<AbiValue>? elements)
    {
        Type = type;
        _integer = integer;
        _bytes = bytes;
        _elements = elements;
    }

    /// <summary>The value's ABI type.</summary>
    public AbiType Type { get; }

    /// <summary>A <c>uint256</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">unless 0 ≤ value &lt; 2^256.</exception>
    public static AbiValue Uint256(BigInteger value) => Uint(256, value);

    /// <summary>A <c>uintN</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">unless 0 ≤ value &lt; 2^N.</exception>
    public static AbiValue Uint(int bits, BigInteger value)
    {
        var t = AbiType.Uint(bits);
        if (value.Sign < 0 || value >= BigInteger.One << bits)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{t.Name} needs 0 <= value < 2^{bits}");
        return new(t, value, null, null);
    }

    /// <summary>An <c>int256</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">unless −2^255 ≤ value &lt; 2^255.</exception>
    public static AbiValue Int256(BigInteger value) => Int(256, value);

    /// <summary>An <c>intN</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">unless −2^(N−1) ≤ value &lt; 2^(N−1).</exception>
    public static AbiValue Int(int bits, BigInteger value)
    {
        var t = AbiType.Int(bits);
        var half = BigInteger.One << (bits - 1);
        if (value < -half || value >= half)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{t.Name} needs -2^{bits - 1} <= value < 2^{bits - 1}");
        return new(t, value, null, null);
    }

    /// <summary>An <c>address</c> from 0x + 40 hex digits.</summary>
    /// <exception cref="ArgumentException">when it is not 20 bytes of hex.</exception>
    public static AbiValue Address(string address) => new(AbiType.Address, 0, EvmHex.Decode(EvmHex.NormalizeAddress(address)), null);

    /// <summary>A <c>bool</c>.</summary>
    public static AbiValue Bool(bool value) => new(AbiType.Bool, value ? BigInteger.One : BigInteger.Zero, null, null);

    /// <summary>A <c>bytes32</c>.</summary>
    /// <exception cref="ArgumentException">unless exactly 32 bytes.</exception>
    public static AbiValue Bytes32(ReadOnlySpan<byte> value) =>
        value.Length == 32 ? FixedBytes(value) : throw new ArgumentException($"bytes32 needs exactly 32 bytes, got {value.Length}", nameof(value));

    /// <summary>A <c>bytesN</c> with N = the length of <paramref name="value"/> (1…32).</summary>
    /// <exception cref="ArgumentException">unless 1…32 bytes.</exception>
    public static AbiValue FixedBytes(ReadOnlySpan<byte> value)
    {
        if (value.Length is < 1 or > 32) throw new ArgumentException($"bytesN needs 1..32 bytes, got {value.Length}", nameof(value));
        return new(AbiType.FixedBytes(value.Length), 0, value.ToArray(), null);
    }

    /// <summary>A dynamic <c>bytes</c>.</summary>
    public static AbiValue Bytes(ReadOnlySpan<byte> value) => new(AbiType.Bytes, 0, value.ToArray(), null);

    /// <summary>A <c>string</c> (encoded as UTF-8).</summary>
    public static AbiValue String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(AbiType.String, 0, Encoding.UTF8.GetBytes(value), null);
    }

    /// <summary>A <c>T[]</c> of <paramref name="elements"/>, each of type <paramref name="elementType"/>.</summary>
    /// <exception cref="ArgumentException">when an element has another type.</exception>
    public static AbiValue Array(AbiType elementType, IEnumerable<AbiValue> elements)
    {
        ArgumentNullException.ThrowIfNull(elementType);
        ArgumentNullException.ThrowIfNull(elements);
        var list = elements.ToArray();
        for (int i = 0; i < list.Length; i++)
            if (!list[i].Type.Equals(elementType))
                throw new ArgumentException($"array element {i} has type {list[i].Type}, expected {elementType}", nameof(elements));
        return new(AbiType.ArrayOf(elementType), 0, null, list);
    }

    /// <summary>A <c>uint256[]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">when an element is outside [0, 2^256).</exception>
    public static AbiValue Uint256Array(IEnumerable<BigInteger> values) => Array(AbiType.Uint256, values.Select(Uint256));

    /// <summary>An <c>int256[]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">when an element is outside [−2^255, 2^255).</exception>
    public static AbiValue Int256Array(IEnumerable<BigInteger> values) => Array(AbiType.Int256, values.Select(Int256));

    /// <summary>The integer of a uintN/intN value, or 0/1 for a bool.</summary>
    /// <exception cref="InvalidOperationException">for other types.</exception>
    public BigInteger AsInteger() =>
        Type.Kind is AbiTypeKind.Uint or AbiTypeKind.Int or AbiTypeKind.Bool ? _integer : throw WrongKind("an integer");

    /// <summary>The value of a bool.</summary>
    /// <exception cref="InvalidOperationException">for other types.</exception>
    public bool AsBool() => Type.Kind == AbiTypeKind.Bool ? !_integer.IsZero : throw WrongKind("a bool");

    /// <summary>The bytes of a bytes/bytesN/string value or the 20 bytes of an address (a copy).</summary>
    /// <exception cref="InvalidOperationException">for other types.</exception>
    public byte[] AsBytes() => _bytes is not null ? (byte[])_bytes.Clone() : throw WrongKind("bytes");

    /// <summary>The address as 0x + 40 lower-case hex digits.</summary>
    /// <exception cref="InvalidOperationException">for other types.</exception>
    public string AsAddress() => Type.Kind == AbiTypeKind.Address ? EvmHex.Encode(_bytes) : throw WrongKind("an address");

    /// <summary>The text of a string value.</summary>
    /// <exception cref="InvalidOperationException">for other types.</exception>
    public string AsString() => Type.Kind == AbiTypeKind.String ? Encoding.UTF8.GetString(_bytes!) : throw WrongKind("a string");

    /// <summary>The elements of an array.</summary>
    /// <exception cref="InvalidOperationException">for other types.</exception>
    public IReadOnlyList<AbiValue> AsArray() => _elements ?? throw WrongKind("an array");

    /// <summary>A readable form, e.g. <c>uint256(5)</c> or <c>bytes(0x0102)</c>.</summary>
    public override string ToString() => Type.Kind switch
    {
        AbiTypeKind.Uint or AbiTypeKind.Int => $"{Type.Name}({_integer})",
        AbiTypeKind.Bool => $"bool({AsBool()})",
        AbiTypeKind.String => $"string(\"{AsString()}\")",
        AbiTypeKind.Array => $"{Type.Name}[{string.Join(", ", _elements!)}]",
        _ => $"{Type.Name}({EvmHex.Encode(_bytes)})",
    };

    internal BigInteger Integer => _integer;

    internal byte[] RawBytes => _bytes!;

    internal IReadOnlyList<AbiValue> Elements => _elements!;

    internal static AbiValue FromDecoded(AbiType type, BigInteger integer, byte[]? bytes, IReadOnlyList<AbiValue>? elements) =>
        new(type, integer, bytes, elements);

    private InvalidOperationException WrongKind(string wanted) => new($"ABI value of type {Type} is not {wanted}");
}
