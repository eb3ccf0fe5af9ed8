using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace ZkMl.Cli;

/// <summary>Checks of option values that verbs run before any work (no solc run, no file written before a bad value is found).</summary>
internal static partial class CliArgs
{
    /// <summary>secp256k1's group order n: a private key is 1 ≤ k &lt; n.</summary>
    private static readonly BigInteger Secp256k1Order = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Checks --private-key: 32 bytes of hex (0x optional), a valid secp256k1 key.</summary>
    /// <exception cref="UserException">Not 64 hex digits, zero, or not below the curve order.</exception>
    public static void PrivateKey(string? hex)
    {
        if (hex is null) return;
        var m = PrivateKeyRegex().Match(hex);
        if (!m.Success) throw new UserException($"--private-key: expected 32 bytes of hex (0x followed by 64 hex digits), got {Describe(hex)}");
        var k = BigInteger.Parse("0" + m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (k.IsZero || k >= Secp256k1Order) throw new UserException("--private-key: not a valid secp256k1 private key (expected 1 ≤ k < n)");
    }

    /// <summary>Checks --address: 20 bytes of hex (0x optional).</summary>
    /// <exception cref="UserException">Not 40 hex digits.</exception>
    public static void Address(string? hex)
    {
        if (hex is null) return;
        if (!AddressRegex().IsMatch(hex)) throw new UserException($"--address {hex}: expected a 20-byte hex address (0x followed by 40 hex digits)");
    }

    // The key itself is a secret: say only what is wrong with its shape.
    private static string Describe(string s) =>
        s.Length == 0 ? "an empty value" : $"{s.Length} characters" + (s.Any(c => !Uri.IsHexDigit(c) && c != 'x' && c != 'X') ? " with non-hex characters" : "");

    [GeneratedRegex("^(?:0[xX])?([0-9a-fA-F]{64})$")]
    private static partial Regex PrivateKeyRegex();

    [GeneratedRegex("^(?:0[xX])?[0-9a-fA-F]{40}$")]
    private static partial Regex AddressRegex();
}
