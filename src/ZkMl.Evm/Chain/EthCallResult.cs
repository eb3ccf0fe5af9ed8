namespace ZkMl.Evm.Chain;

/// <summary>
/// The outcome of an <c>eth_call</c>. A call that reverts, runs out of gas or hits a failing
/// precompile is not an exception: <see cref="Success"/> is false, <see cref="Error"/> holds
/// the node's message and <see cref="ReturnData"/> the revert data when the node reports it.
/// </summary>
/// <param name="Success">True when the call executed without an EVM error.</param>
/// <param name="ReturnData">The returned bytes, or the revert data (possibly empty) when the call failed.</param>
/// <param name="Error">The node's error message when the call failed, otherwise null.</param>
public sealed record EthCallResult(bool Success, byte[] ReturnData, string? Error)
{
    /// <summary>The return data of a successful call.</summary>
    /// <exception cref="InvalidOperationException">when the call failed; the message carries the node's error.</exception>
    public byte[] EnsureSuccess() =>
        Success ? ReturnData : throw new InvalidOperationException($"eth_call failed: {Error} (revert data {EvmHex.Encode(ReturnData)})");
}
