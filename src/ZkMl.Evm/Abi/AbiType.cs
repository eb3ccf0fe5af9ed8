using System.Globalization;

namespace ZkMl.Evm.Abi;

/// <summary>The kinds of Solidity ABI types ZkMl encodes.</summary>
public enum AbiTypeKind
{
    /// <summary><c>uintN</c>, N = 8, 16, …, 256.</summary>
    Uint,
    /// <summary><c>intN</c>, N = 8, 16, …, 256 (two's complement).</summary>
    Int,
    /// <summary><c>address</c> (20 bytes).</summary>
    Address,
    /// <summary><c>bool</c>.</summary>
    Bool,
    /// <summary><c>bytesN</c>, N = 1…32 (left-aligned).</summary>
    FixedBytes,
    /// <summary><c>bytes</c> (dynamic).</summary>
    Bytes,
    /// <summary><c>string</c> (dynamic, UTF-8).</summary>
    String,
    /// <summary><c>T[]</c>, a dynamic-length array.</summary>
    Array,
}

/// <summary>
/// A Solidity ABI type (the subset ZkMl needs: elementary types, <c>bytes</c>, <c>string</c> and
/// dynamic arrays <c>T[]</c>; no fixed-size arrays or tuples), in canonical form ("uint" is "uint256").
/// </summary>
public sealed class AbiType : IEquatable<AbiType>
{
    private AbiType(AbiTypeKind kind, int size, AbiType? element, string name)
    {
        Kind = kind;
        Size = size;
        Element = element;
        Name = name;
    }

    /// <summary>The type's kind.</summary>
    public AbiTypeKind Kind { get; }

    /// <summary>Bits for uintN/intN, bytes for bytesN, otherwise 0.</summary>
    public int Size { get; }

    /// <summary>The element type of an array, otherwise null.</summary>
    public AbiType? Element { get; }

    /// <summary>The canonical name used in function signatures, e.g. "uint256[]".</summary>
    public string Name { get; }

    /// <summary>True for types encoded in the tail with an offset in the head (bytes, string, T[]).</summary>
    public bool IsDynamic => Kind is AbiTypeKind.Bytes or AbiTypeKind.String or AbiTypeKind.Array;

    /// <summary><c>uint256</c>.</summary>
    public static AbiType Uint256 { get; } = Uint(256);
    /// <summary><c>int256</c>.</summary>
    public static AbiType Int256 { get; } = Int(256);
    /// <summary><c>address</c>.</summary>
    public static AbiType Address { get; } = new(AbiTypeKind.Address, 0, null, "address");
    /// <summary><c>bool</c>.</summary>
    public static AbiType Bool { get; } = new(AbiTypeKind.Bool, 0, null, "bool");
    /// <summary><c>bytes32</c>.</summary>
    public static AbiType Bytes32 { get; } = FixedBytes(32);
    /// <summary><c>bytes</c>.</summary>
    public static AbiType Bytes { get; } = new(AbiTypeKind.Bytes, 0, null, "bytes");
    /// <summary><c>string</c>.</summary>
    public static AbiType String { get; } = new(AbiTypeKind.String, 0, null, "string");

    /// <summary><c>uintN</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">unless N is a multiple of 8 in 8…256.</exception>
    public static AbiType Uint(int bits) => new(AbiTypeKind.Uint, CheckBits(bits), null, "uint" + bits.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>intN</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">unless N is a multiple of 8 in 8…256.</exception>
    public static AbiType Int(int bits) => new(AbiTypeKind.Int, CheckBits(bits), null, "int" + bits.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>bytesN</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">unless N is in 1…32.</exception>
    public static AbiType FixedBytes(int length)
    {
        if (length is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(length), length, "bytesN needs 1 <= N <= 32");
        return new(AbiTypeKind.FixedBytes, length, null, "bytes" + length.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary><c>T[]</c> for the element type <paramref name="element"/>.</summary>
    public static AbiType ArrayOf(AbiType element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return new(AbiTypeKind.Array, 0, element, element.Name + "[]");
    }

    /// <summary>Parses a type name such as "uint256", "int", "address", "bytes32", "bytes", "int256[]".</summary>
    /// <exception cref="FormatException">when the name is not a supported ABI type (the message names it).</exception>
    public static AbiType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var s = name.Trim();
        if (s.EndsWith("[]", StringComparison.Ordinal)) return ArrayOf(Parse(s[..^2]));
        switch (s)
        {
            case "address": return Address;
            case "bool": return Bool;
            case "bytes": return Bytes;
            case "string": return String;
            case "uint": return Uint256;
            case "int": return Int256;
        }
        try
        {
            if (s.StartsWith("uint", StringComparison.Ordinal) && TryNumber(s[4..], out int ub)) return Uint(ub);
            if (s.StartsWith("int", StringComparison.Ordinal) && TryNumber(s[3..], out int ib)) return Int(ib);
            if (s.StartsWith("bytes", StringComparison.Ordinal) && TryNumber(s[5..], out int n)) return FixedBytes(n);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"unsupported ABI type \"{name}\": {e.Message}");
        }
        throw new FormatException($"unsupported ABI type \"{name}\" (expected uintN, intN, address, bool, bytesN, bytes, string or T[])");
    }

    /// <inheritdoc />
    public bool Equals(AbiType? other) => other is not null && other.Name == Name;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AbiType t && Equals(t);

    /// <inheritdoc />
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical name.</summary>
    public override string ToString() => Name;

    private static bool TryNumber(string s, out int v) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v) && s.Length > 0 && s[0] != '0';

    private static int CheckBits(int bits)
    {
        if (bits is < 8 or > 256 || bits % 8 != 0)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "integer types need N a multiple of 8 in 8..256");
        return bits;
    }
}
