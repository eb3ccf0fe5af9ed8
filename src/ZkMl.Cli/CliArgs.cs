using ZkMl.Evm;
using ZkMl.Evm.Chain;

namespace ZkMl.Cli;

/// <summary>Checks of option values that verbs run before any work (no solc run, no file written before a bad value is found).</summary>
internal static class CliArgs
{
    /// <summary>Checks --private-key with the parser that signs (<see cref="EvmChain.ParsePrivateKey"/>): 32 bytes of hex in [1, n) of secp256k1.</summary>
    /// <exception cref="UserException">Not 64 hex digits, or not a valid key; the message never repeats the key.</exception>
    public static void PrivateKey(string? hex)
    {
        if (hex is null) return;
        try { EvmChain.ParsePrivateKey(hex); }
        catch (FormatException e) { throw new UserException("--private-key: " + e.Message.Replace("private key: ", "", StringComparison.Ordinal)); }
    }

    /// <summary>Checks --address: 20 bytes of hex (0x optional).</summary>
    /// <exception cref="UserException">Not 40 hex digits.</exception>
    public static void Address(string? hex)
    {
        if (hex is null) return;
        try { EvmHex.NormalizeAddress(hex); }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw new UserException($"--address {hex}: expected a 20-byte hex address (0x followed by 40 hex digits)"); }
    }
}
