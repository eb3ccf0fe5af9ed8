namespace ZkMl.Evm.Rpc;

/// <summary>The parts of an <c>eth_getTransactionReceipt</c> result ZkMl uses.</summary>
/// <param name="TransactionHash">The transaction hash (0x + 64 hex digits).</param>
/// <param name="Success">True for status 1, false for status 0 (the transaction reverted or ran out of gas).</param>
/// <param name="GasUsed">Gas the transaction used, including the 21,000 base cost and calldata.</param>
/// <param name="ContractAddress">The created contract's address for a deployment, otherwise null.</param>
/// <param name="BlockNumber">The block that holds the transaction.</param>
public sealed record TransactionReceipt(string TransactionHash, bool Success, ulong GasUsed, string? ContractAddress, ulong BlockNumber);
