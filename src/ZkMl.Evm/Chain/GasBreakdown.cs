namespace ZkMl.Evm.Chain;

/// <summary>
/// Where a transaction's gas went: intrinsic (base + calldata), precompile calls, and the rest
/// of execution (opcodes, memory, storage, call overheads). Refunds are not separated out.
/// </summary>
/// <param name="GasUsed">The receipt's gasUsed.</param>
/// <param name="Intrinsic">21,000 + calldata cost (+ creation costs), see <see cref="EvmGas.IntrinsicGas"/>.</param>
/// <param name="Calldata">The calldata part of <paramref name="Intrinsic"/> (EIP-2028 pricing).</param>
/// <param name="Precompiles">Gas used inside each precompile by name (e.g. "ecPairing"), summed over its calls.</param>
/// <param name="PrecompileCalls">Number of calls to each precompile.</param>
/// <param name="Execution">gasUsed − intrinsic − precompiles: the contract's own execution (0 when the EIP-7623 floor set gasUsed).</param>
/// <param name="FloorApplied">True when the EIP-7623 calldata floor exceeded intrinsic + execution and set gasUsed.</param>
public sealed record GasBreakdown(
    ulong GasUsed,
    ulong Intrinsic,
    ulong Calldata,
    IReadOnlyDictionary<string, ulong> Precompiles,
    IReadOnlyDictionary<string, int> PrecompileCalls,
    long Execution,
    bool FloorApplied)
{
    /// <summary>Total gas used inside precompiles.</summary>
    public ulong PrecompileTotal => Precompiles.Values.Aggregate(0UL, (a, b) => a + b);
}
