using System.Globalization;

namespace ZkMl.Evm.Chain;

/// <summary>
/// Gas rules of the transaction envelope (what a transaction pays before and besides execution)
/// and the precompile addresses, for splitting a transaction's gasUsed into its parts.
/// </summary>
public static class EvmGas
{
    /// <summary>Base cost of every transaction.</summary>
    public const ulong TransactionBase = 21_000;

    /// <summary>Extra base cost of a contract-creating transaction.</summary>
    public const ulong CreateBase = 32_000;

    /// <summary>Calldata cost of a zero byte (EIP-2028).</summary>
    public const ulong ZeroByte = 4;

    /// <summary>Calldata cost of a non-zero byte (EIP-2028).</summary>
    public const ulong NonZeroByte = 16;

    /// <summary>EIP-7623 floor cost per calldata token (a zero byte is 1 token, a non-zero byte 4).</summary>
    public const ulong FloorPerToken = 10;

    /// <summary>Standard calldata cost: 4 per zero byte + 16 per non-zero byte (EIP-2028).</summary>
    public static ulong CalldataGas(ReadOnlySpan<byte> data)
    {
        ulong zeros = (ulong)System.MemoryExtensions.Count(data, (byte)0);
        return zeros * ZeroByte + ((ulong)data.Length - zeros) * NonZeroByte;
    }

    /// <summary>EIP-7623 calldata tokens: zero bytes + 4 × non-zero bytes.</summary>
    public static ulong CalldataTokens(ReadOnlySpan<byte> data)
    {
        ulong zeros = (ulong)System.MemoryExtensions.Count(data, (byte)0);
        return zeros + 4 * ((ulong)data.Length - zeros);
    }

    /// <summary>
    /// Intrinsic gas charged before execution: 21,000 + calldata cost, plus for a creation
    /// 32,000 + 2 per 32-byte word of init code (EIP-3860). Excludes access lists.
    /// </summary>
    public static ulong IntrinsicGas(ReadOnlySpan<byte> data, bool isCreate = false)
    {
        ulong gas = TransactionBase + CalldataGas(data);
        if (isCreate) gas += CreateBase + 2 * (((ulong)data.Length + 31) / 32);
        return gas;
    }

    /// <summary>
    /// The EIP-7623 (Prague) minimum a transaction pays: 21,000 + 10 per calldata token. A
    /// transaction's gasUsed is max(intrinsic + execution, this floor).
    /// </summary>
    public static ulong CalldataFloorGas(ReadOnlySpan<byte> data) => TransactionBase + FloorPerToken * CalldataTokens(data);

    /// <summary>The name of the precompile at <paramref name="address"/> (0x01…0x11, Prague), or null when it is not a precompile.</summary>
    public static string? PrecompileName(string? address)
    {
        if (address is null) return null;
        string a;
        try { a = EvmHex.NormalizeAddress(address); }
        catch (ArgumentException) { return null; }
        if (!a.AsSpan(2, 38).SequenceEqual(new string('0', 38))) return null;
        int n = int.Parse(a.AsSpan(40, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return n switch
        {
            0x01 => "ecrecover",
            0x02 => "sha256",
            0x03 => "ripemd160",
            0x04 => "identity",
            0x05 => "modexp",
            0x06 => "ecAdd",
            0x07 => "ecMul",
            0x08 => "ecPairing",
            0x09 => "blake2f",
            0x0a => "pointEvaluation",
            >= 0x0b and <= 0x11 => "bls12-" + n.ToString("x2", CultureInfo.InvariantCulture),
            _ => null,
        };
    }
}
