using System.Globalization;
using System.Numerics;

namespace ZkMl.Evm;

/// <summary>
/// Hex conversions in the forms Ethereum JSON-RPC uses: "0x"-prefixed byte strings (DATA),
/// minimal "0x"-prefixed quantities (QUANTITY) and 20-byte addresses.
/// </summary>
public static class EvmHex
{
    /// <summary>Encodes bytes as lower-case hex with a "0x" prefix ("0x" for no bytes).</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>Decodes hex with or without a "0x" prefix; an odd digit count gets a leading zero.</summary>
    /// <exception cref="ArgumentNullException">when <paramref name="hex"/> is null.</exception>
    /// <exception cref="FormatException">when a character is not a hex digit.</exception>
    public static byte[] Decode(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var s = hex.AsSpan().Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        if (s.Length == 0) return [];
        string digits = s.Length % 2 == 0 ? s.ToString() : "0" + s.ToString();
        try
        {
            return Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            throw new FormatException($"not a hex string: \"{Shorten(hex)}\" (expected 0x followed by hex digits)");
        }
    }

    /// <summary>Formats a JSON-RPC QUANTITY: "0x" and the minimal hex digits ("0x0" for zero).</summary>
    public static string FormatQuantity(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Formats a non-negative big integer as a JSON-RPC QUANTITY.</summary>
    /// <exception cref="ArgumentOutOfRangeException">when <paramref name="value"/> is negative.</exception>
    public static string FormatQuantity(BigInteger value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        if (value.IsZero) return "0x0";
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return "0x" + Convert.ToHexStringLower(bytes).TrimStart('0');
    }

    /// <summary>Parses a JSON-RPC QUANTITY ("0x1a") that must fit in 64 bits.</summary>
    /// <exception cref="FormatException">when the text is not a 0x-prefixed hex number below 2^64.</exception>
    public static ulong ParseQuantity(string quantity)
    {
        ArgumentNullException.ThrowIfNull(quantity);
        var s = quantity.AsSpan().Trim();
        if (!s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || s.Length == 2
            || !ulong.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v))
            throw new FormatException($"not a 64-bit hex quantity: \"{Shorten(quantity)}\" (expected e.g. 0x1a)");
        return v;
    }

    /// <summary>Parses a JSON-RPC QUANTITY of any size as a non-negative big integer.</summary>
    /// <exception cref="FormatException">when the text is not a 0x-prefixed hex number.</exception>
    public static BigInteger ParseBigQuantity(string quantity)
    {
        ArgumentNullException.ThrowIfNull(quantity);
        var s = quantity.Trim();
        if (!s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || s.Length == 2)
            throw new FormatException($"not a hex quantity: \"{Shorten(quantity)}\" (expected e.g. 0x1a)");
        return new BigInteger(Decode(s), isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Checks that <paramref name="address"/> is 20 bytes of hex ("0x" optional) and returns it lower-case with "0x".</summary>
    /// <exception cref="ArgumentException">when it is not 40 hex digits.</exception>
    public static string NormalizeAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var s = address.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        if (s.Length != 40 || !s.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"not an address: \"{Shorten(address)}\" (expected 0x followed by 40 hex digits)", nameof(address));
        return "0x" + s.ToLowerInvariant();
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
