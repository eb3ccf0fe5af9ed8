using System.Numerics;

namespace ZkMl.Evm.Rpc;

/// <summary>
/// A transaction or call object for <c>eth_sendTransaction</c>, <c>eth_estimateGas</c> and
/// <c>eth_call</c>. Null members are left out, so the node fills in its defaults.
/// </summary>
public sealed record TransactionRequest
{
    /// <summary>The sender (for <c>eth_sendTransaction</c> an account the node has unlocked).</summary>
    public string? From { get; init; }

    /// <summary>The recipient; null deploys <see cref="Data"/> as creation code.</summary>
    public string? To { get; init; }

    /// <summary>Calldata, or creation code plus ABI-encoded constructor arguments for a deployment.</summary>
    public byte[]? Data { get; init; }

    /// <summary>The gas limit; null lets the node estimate it.</summary>
    public ulong? Gas { get; init; }

    /// <summary>Wei sent along; null for none.</summary>
    public BigInteger? Value { get; init; }
}
