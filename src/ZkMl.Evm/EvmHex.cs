namespace ZkMl.Evm;

/// <summary>
/// Hex in the forms Ethereum tools use: "0x"-prefixed byte strings and 20-byte addresses, with
/// error messages that name what was expected (Nethereum's DTOs carry such strings).
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
