using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Inference;

namespace ZkMl.Evm.Verifier;

/// <summary>The outcome of a <c>verifyProof</c> eth_call.</summary>
/// <param name="Accepted">The contract returned true.</param>
/// <param name="Reverted">The call reverted (e.g. out of gas in a precompile); Accepted is then false.</param>
/// <param name="Error">The node's reason for a revert, else null.</param>
public sealed record OnChainVerdict(bool Accepted, bool Reverted, string? Error);

/// <summary>The gas of one verify transaction.</summary>
/// <param name="Transaction">The mined transaction (Success = the call did not revert).</param>
/// <param name="Breakdown">gasUsed split into intrinsic/calldata, precompiles and execution.</param>
public sealed record VerifyGasReport(TransactionResult Transaction, GasBreakdown Breakdown)
{
    /// <summary>One line: total, calldata, precompiles by name, execution.</summary>
    public override string ToString()
    {
        var b = Breakdown;
        var pre = string.Join(", ", b.Precompiles.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value:N0} ({b.PrecompileCalls[p.Key]}×)"));
        return $"gasUsed {b.GasUsed:N0} = 21,000 base + calldata {b.Calldata:N0} + precompiles {b.PrecompileTotal:N0} [{pre}] + execution {b.Execution:N0}";
    }
}

/// <summary>
/// A deployed generated verifier: <c>eth_call</c> verification, verify transactions and their gas
/// reports (the split uses <see cref="EvmChain.GasBreakdownAsync"/>, which needs debug_traceTransaction).
/// </summary>
public sealed class OnChainVerifier
{
    private OnChainVerifier(EvmChain chain, string address, int deployedSize, ulong deploymentGas, string? firstPartAddress = null, int firstPartSize = 0)
    {
        Chain = chain; Address = address; DeployedSize = deployedSize; DeploymentGas = deploymentGas;
        FirstPartAddress = firstPartAddress; FirstPartSize = firstPartSize;
    }

    /// <summary>
    /// For a verifier in two contracts (docs/protocol.md "On-chain verifier"): the address of the first part its constructor
    /// created (its <c>FIRST_PART()</c>); null for a verifier in one contract.
    /// </summary>
    public string? FirstPartAddress { get; }

    /// <summary>Runtime code size of the first part in bytes (each contract must stay ≤ 24,576, EIP-170); 0 without one.</summary>
    public int FirstPartSize { get; }

    /// <summary>The chain it is deployed on.</summary>
    public EvmChain Chain { get; }

    /// <summary>The contract address.</summary>
    public string Address { get; }

    /// <summary>Runtime code size in bytes (must stay ≤ 24,576, EIP-170).</summary>
    public int DeployedSize { get; }

    /// <summary>Gas of the deployment transaction.</summary>
    public ulong DeploymentGas { get; }

    /// <summary>The typed Nethereum service for this verifier (<see cref="VerifierContractService.VerifyProofQueryAsync(InferenceProof, Nethereum.RPC.Eth.DTOs.BlockParameter?)"/>).</summary>
    public VerifierContractService Service => new(Chain.Web3, Address);

    /// <summary>Deploys a compiled verifier.</summary>
    /// <exception cref="InvalidOperationException">Deployment failed (e.g. over the code size limit).</exception>
    public static async Task<OnChainVerifier> DeployAsync(EvmChain chain, CompiledContract contract, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(contract);
        var d = await chain.DeployAsync(contract.CreationBytecode, null, null, cancellationToken).ConfigureAwait(false);
        string? first = null;
        int firstSize = 0;
        var r = await chain.CallAsync(d.Address, FirstPartSelector, null, cancellationToken).ConfigureAwait(false);
        if (r.Success && r.ReturnData.Length == 32 && r.ReturnData.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            first = EvmHex.NormalizeAddress(EvmHex.Encode(r.ReturnData.AsSpan(12).ToArray()));
            var code = await chain.Web3.Eth.GetCode.SendRequestAsync(first).WaitAsync(cancellationToken).ConfigureAwait(false);
            firstSize = EvmHex.Decode(code ?? "0x").Length;
        }
        return new OnChainVerifier(chain, d.Address, d.DeployedSize, d.GasUsed, first, firstSize);
    }

    // the selector of FIRST_PART() (the first part's address in a split verifier)
    private static readonly byte[] FirstPartSelector = new Nethereum.Util.Sha3Keccack().CalculateHash(System.Text.Encoding.ASCII.GetBytes("FIRST_PART()"))[..4];

    /// <summary>Attaches to a verifier already deployed at <paramref name="address"/>.</summary>
    public static OnChainVerifier At(EvmChain chain, string address) => new(chain, EvmHex.NormalizeAddress(address), 0, 0);

    /// <summary>eth_call of verifyProof on raw calldata (see <see cref="VerifierCalldata"/>).</summary>
    public async Task<OnChainVerdict> CallAsync(byte[] calldata, ulong? gas = null, CancellationToken cancellationToken = default)
    {
        var r = await Chain.CallAsync(Address, calldata, gas, cancellationToken).ConfigureAwait(false);
        if (!r.Success) return new OnChainVerdict(false, true, r.Error);
        var d = r.ReturnData;
        bool ok = d.Length == 32 && d.AsSpan(0, 31).IndexOfAnyExcept((byte)0) < 0 && d[31] == 1;
        return new OnChainVerdict(ok, false, null);
    }

    /// <summary>eth_call of verifyProof for an inference proof.</summary>
    public Task<OnChainVerdict> VerifyAsync(InferenceProof proof, CancellationToken cancellationToken = default) =>
        CallAsync(VerifierCalldata.Encode(proof), null, cancellationToken);

    /// <summary>Sends verifyProof as a transaction (gas limit with margin unless given) and reports its gas.</summary>
    public async Task<VerifyGasReport> SendAsync(byte[] calldata, ulong? gasLimit = null, CancellationToken cancellationToken = default)
    {
        var tx = await Chain.SendAsync(Address, calldata, gasLimit, false, cancellationToken).ConfigureAwait(false);
        var b = await Chain.GasBreakdownAsync(tx.TransactionHash, cancellationToken).ConfigureAwait(false);
        return new VerifyGasReport(tx, b);
    }

    /// <summary>Sends verifyProof for an inference proof as a transaction and reports its gas.</summary>
    public Task<VerifyGasReport> MeasureAsync(InferenceProof proof, CancellationToken cancellationToken = default) =>
        SendAsync(VerifierCalldata.Encode(proof), null, cancellationToken);
}
