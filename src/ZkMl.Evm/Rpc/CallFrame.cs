namespace ZkMl.Evm.Rpc;

/// <summary>
/// One call in a transaction's call tree, as geth's <c>callTracer</c> reports it
/// (<c>debug_traceTransaction</c> / <c>debug_traceCall</c>); calls to precompiles are frames too.
/// </summary>
/// <param name="Type">CALL, STATICCALL, DELEGATECALL, CREATE, …</param>
/// <param name="From">The caller.</param>
/// <param name="To">The callee (null for a failed CREATE).</param>
/// <param name="Gas">Gas made available to the call.</param>
/// <param name="GasUsed">Gas the call used, its subcalls included (for the top frame: the whole transaction, intrinsic gas included).</param>
/// <param name="Input">The call's input.</param>
/// <param name="Output">The call's output (or revert data).</param>
/// <param name="Error">The failure ("out of gas", "execution reverted", …), or null.</param>
/// <param name="Calls">The subcalls in order.</param>
public sealed record CallFrame(string Type, string From, string? To, ulong Gas, ulong GasUsed, byte[] Input, byte[] Output, string? Error, IReadOnlyList<CallFrame> Calls)
{
    /// <summary>This frame and all frames below it, depth first.</summary>
    public IEnumerable<CallFrame> Flatten()
    {
        yield return this;
        foreach (var c in Calls)
            foreach (var f in c.Flatten()) yield return f;
    }
}
