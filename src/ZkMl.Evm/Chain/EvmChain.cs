using ZkMl.Evm.Abi;
using ZkMl.Evm.Rpc;
using ZkMl.Evm.Signing;
using ZkMl.Evm.Solc;

namespace ZkMl.Evm.Chain;

/// <summary>The outcome of a contract deployment.</summary>
/// <param name="Address">The new contract's address.</param>
/// <param name="GasUsed">Gas the deployment transaction used.</param>
/// <param name="TransactionHash">The deployment transaction.</param>
/// <param name="DeployedSize">Bytes of runtime code now stored at <paramref name="Address"/>.</param>
public sealed record DeploymentResult(string Address, ulong GasUsed, string TransactionHash, int DeployedSize);

/// <summary>The outcome of a mined transaction.</summary>
/// <param name="TransactionHash">The transaction.</param>
/// <param name="Success">The receipt's status (false: reverted or ran out of gas).</param>
/// <param name="GasUsed">The receipt's gasUsed (including the 21,000 base cost and calldata).</param>
/// <param name="GasLimit">The gas limit the transaction was sent with.</param>
/// <param name="GasEstimate">The node's eth_estimateGas, or null when the caller gave the limit or estimation failed.</param>
/// <param name="Error">For a failed transaction: the reason from replaying it as an eth_call (or the estimation error), otherwise null.</param>
public sealed record TransactionResult(string TransactionHash, bool Success, ulong GasUsed, ulong GasLimit, ulong? GasEstimate, string? Error);

/// <summary>
/// Deploys contracts, calls them and sends transactions over JSON-RPC, either through an account
/// the node has unlocked (<c>eth_sendTransaction</c>; anvil's first dev account by default) or
/// signed locally with an <see cref="EthereumKey"/> (EIP-1559, <c>eth_sendRawTransaction</c>) for
/// a user's own node. Works the same against any node URL. Transactions get a gas limit with margin:
/// min(estimate × 1.25 + 50,000, block gas limit, 2^24), never a bare estimate, because
/// eth_estimateGas can under-provision calls whose precompiles get only 63/64 of the gas.
/// </summary>
public sealed class EvmChain : IDisposable
{
    /// <summary>The EIP-7825 per-transaction gas limit cap (2^24), which nodes after the Osaka upgrade enforce.</summary>
    public const ulong TransactionGasCap = 1UL << 24;

    /// <summary>Gas added to the scaled estimate.</summary>
    public const ulong GasMarginConstant = 50_000;

    private readonly bool _ownsRpc;
    private readonly EthereumKey? _signer;
    private string? _from;
    private ulong? _chainId;

    /// <summary>Uses an existing client (not disposed with this object).</summary>
    /// <param name="rpc">The node.</param>
    /// <param name="from">The sending account; null uses the node's first <c>eth_accounts</c> entry.</param>
    public EvmChain(JsonRpcClient rpc, string? from = null)
    {
        Rpc = rpc ?? throw new ArgumentNullException(nameof(rpc));
        _from = from is null ? null : EvmHex.NormalizeAddress(from);
    }

    /// <summary>Uses an existing client (not disposed with this object) and signs transactions locally with <paramref name="signer"/>.</summary>
    public EvmChain(JsonRpcClient rpc, EthereumKey signer)
        : this(rpc, (signer ?? throw new ArgumentNullException(nameof(signer))).Address)
    {
        _signer = signer;
    }

    private EvmChain(JsonRpcClient rpc, string? from, EthereumKey? signer, bool owns)
        : this(rpc, signer?.Address ?? from)
    {
        _signer = signer;
        _ownsRpc = owns;
    }

    /// <summary>
    /// Connects to the node at <paramref name="rpcUrl"/> (e.g. a user's own node); the client is
    /// owned and disposed with this object. With <paramref name="signer"/>, transactions are signed locally.
    /// </summary>
    public static EvmChain Connect(Uri rpcUrl, string? from = null, EthereumKey? signer = null) =>
        new(new JsonRpcClient(rpcUrl), from, signer, owns: true);

    /// <summary>The JSON-RPC client.</summary>
    public JsonRpcClient Rpc { get; }

    /// <summary>The sending account: the one given, else the node's first unlocked account.</summary>
    /// <exception cref="InvalidOperationException">when none was given and the node has no unlocked accounts.</exception>
    public async Task<string> SenderAsync(CancellationToken cancellationToken = default)
    {
        if (_from is not null) return _from;
        var accounts = await Rpc.AccountsAsync(cancellationToken).ConfigureAwait(false);
        if (accounts.Length == 0)
            throw new InvalidOperationException($"the node at {Rpc.Url} has no unlocked accounts (eth_accounts is empty); pass a From account the node can sign for");
        return _from = EvmHex.NormalizeAddress(accounts[0]);
    }

    /// <summary>
    /// Deploys <paramref name="creationBytecode"/> followed by <paramref name="constructorArguments"/>
    /// (ABI-encoded, see <see cref="AbiEncoder.EncodeArguments"/>), waits for the receipt and checks code was stored.
    /// </summary>
    /// <param name="creationBytecode">Creation code from the compiler.</param>
    /// <param name="constructorArguments">Encoded constructor arguments, or null.</param>
    /// <param name="gasLimit">An explicit gas limit; null estimates with margin.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <exception cref="InvalidOperationException">when deployment fails (reverting constructor, code over the EIP-170 size limit, out of gas); the message carries the node's reason.</exception>
    public async Task<DeploymentResult> DeployAsync(byte[] creationBytecode, byte[]? constructorArguments = null, ulong? gasLimit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(creationBytecode);
        if (creationBytecode.Length == 0) throw new ArgumentException("creation bytecode is empty (an interface or abstract contract?)", nameof(creationBytecode));
        var data = constructorArguments is null ? creationBytecode : [.. creationBytecode, .. constructorArguments];
        var tx = await TransactAsync(new TransactionRequest { Data = data }, gasLimit, cancellationToken).ConfigureAwait(false);
        if (!tx.Success)
            throw new InvalidOperationException($"deployment failed (transaction {tx.TransactionHash}, gas used {tx.GasUsed} of {tx.GasLimit}): {tx.Error ?? "no reason given"}");
        var receipt = await Rpc.WaitForReceiptAsync(tx.TransactionHash, null, cancellationToken).ConfigureAwait(false);
        var address = receipt.ContractAddress
            ?? throw new InvalidOperationException($"deployment receipt {tx.TransactionHash} has no contractAddress");
        var code = await Rpc.GetCodeAsync(address, cancellationToken).ConfigureAwait(false);
        return new DeploymentResult(EvmHex.NormalizeAddress(address), tx.GasUsed, tx.TransactionHash, code.Length);
    }

    /// <summary>Deploys a compiled contract with ABI-encoded constructor arguments.</summary>
    /// <exception cref="InvalidOperationException">when deployment fails.</exception>
    public Task<DeploymentResult> DeployAsync(CompiledContract contract, params AbiValue[] constructorArguments)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return DeployAsync(contract.CreationBytecode, constructorArguments.Length == 0 ? null : AbiEncoder.EncodeArguments(constructorArguments));
    }

    /// <summary><c>eth_call</c> from the sender; EVM failures give Success = false (see <see cref="JsonRpcClient.EthCallAsync(string, ReadOnlyMemory{byte}, ulong?, string?, CancellationToken)"/>).</summary>
    public async Task<EthCallResult> CallAsync(string to, byte[] data, ulong? gas = null, CancellationToken cancellationToken = default) =>
        await Rpc.EthCallAsync(to, data, gas, await SenderAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Sends calldata to <paramref name="to"/> and waits for the receipt. A reverted transaction
    /// gives Success = false, not an exception (unless <paramref name="throwOnFailure"/>).
    /// </summary>
    /// <param name="to">The contract.</param>
    /// <param name="data">The calldata.</param>
    /// <param name="gasLimit">An explicit gas limit (e.g. deliberately too little); null estimates with margin.</param>
    /// <param name="throwOnFailure">Throw when the receipt's status is 0.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <exception cref="InvalidOperationException">when <paramref name="throwOnFailure"/> and the transaction failed.</exception>
    /// <exception cref="JsonRpcException">when the node refuses the transaction.</exception>
    public async Task<TransactionResult> SendAsync(string to, byte[] data, ulong? gasLimit = null, bool throwOnFailure = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(data);
        var r = await TransactAsync(new TransactionRequest { To = to, Data = data }, gasLimit, cancellationToken).ConfigureAwait(false);
        if (throwOnFailure && !r.Success)
            throw new InvalidOperationException($"transaction {r.TransactionHash} to {to} failed (gas used {r.GasUsed} of {r.GasLimit}): {r.Error ?? "no reason given"}");
        return r;
    }

    /// <summary>
    /// Splits a mined transaction's gasUsed into intrinsic/calldata, precompile calls (from the
    /// node's call trace) and the contract's own execution. Needs <c>debug_traceTransaction</c>
    /// (anvil and geth have it).
    /// </summary>
    /// <exception cref="JsonRpcException">when the node cannot trace.</exception>
    public async Task<GasBreakdown> GasBreakdownAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        var receipt = await Rpc.WaitForReceiptAsync(transactionHash, null, cancellationToken).ConfigureAwait(false);
        var trace = await Rpc.TraceTransactionCallsAsync(transactionHash, cancellationToken).ConfigureAwait(false);
        bool isCreate = trace.Type.StartsWith("CREATE", StringComparison.Ordinal);
        ulong intrinsic = EvmGas.IntrinsicGas(trace.Input, isCreate);
        var gas = new Dictionary<string, ulong>();
        var calls = new Dictionary<string, int>();
        foreach (var f in trace.Flatten().Skip(1))
        {
            if (EvmGas.PrecompileName(f.To) is not string name || f.Type == "DELEGATECALL") continue;
            gas[name] = gas.GetValueOrDefault(name) + f.GasUsed;
            calls[name] = calls.GetValueOrDefault(name) + 1;
        }
        ulong pre = gas.Values.Aggregate(0UL, (a, b) => a + b);
        // callTracer's top-level gasUsed is the receipt's; with the EIP-7623 floor it can exceed intrinsic + execution.
        ulong floor = EvmGas.CalldataFloorGas(trace.Input);
        bool floorApplied = receipt.GasUsed == floor && receipt.GasUsed > intrinsic;
        long execution = floorApplied ? 0 : (long)receipt.GasUsed - (long)intrinsic - (long)pre;
        return new GasBreakdown(receipt.GasUsed, intrinsic, EvmGas.CalldataGas(trace.Input), gas, calls, execution, floorApplied);
    }

    /// <summary>The gas limit this class sends with for an estimate: min(estimate × 1.25 + 50,000, block gas limit, 2^24).</summary>
    public static ulong GasLimitWithMargin(ulong estimate, ulong blockGasLimit)
    {
        ulong scaled = estimate > ulong.MaxValue / 2 ? ulong.MaxValue / 2 : estimate + estimate / 4;
        return Math.Min(Math.Min(scaled + GasMarginConstant, blockGasLimit), TransactionGasCap);
    }

    /// <summary>Disposes the client if <see cref="Connect"/> created it.</summary>
    public void Dispose()
    {
        if (_ownsRpc) Rpc.Dispose();
    }

    private async Task<TransactionResult> TransactAsync(TransactionRequest request, ulong? gasLimit, CancellationToken cancellationToken)
    {
        var from = await SenderAsync(cancellationToken).ConfigureAwait(false);
        request = request with { From = from };
        ulong? estimate = null;
        string? estimateError = null;
        ulong limit;
        if (gasLimit is ulong explicitLimit)
        {
            limit = explicitLimit;
        }
        else
        {
            ulong blockLimit = await Rpc.BlockGasLimitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                estimate = await Rpc.EstimateGasAsync(request, cancellationToken).ConfigureAwait(false);
                limit = GasLimitWithMargin(estimate.Value, blockLimit);
            }
            catch (JsonRpcException e) when (!e.IsRequestError)
            {
                // Execution fails whatever the gas: send anyway so the caller gets a mined status-0
                // receipt. A REVERT refunds the unused gas, so the generous limit costs little.
                estimateError = e.RpcMessage;
                limit = Math.Min(blockLimit, TransactionGasCap);
            }
        }
        var hash = _signer is null
            ? await Rpc.SendTransactionAsync(request with { Gas = limit }, cancellationToken).ConfigureAwait(false)
            : await SendSignedAsync(_signer, request, limit, cancellationToken).ConfigureAwait(false);
        var receipt = await Rpc.WaitForReceiptAsync(hash, null, cancellationToken).ConfigureAwait(false);
        string? error = null;
        if (!receipt.Success)
        {
            var replay = await Rpc.EthCallAsync(request with { Gas = limit }, cancellationToken).ConfigureAwait(false);
            error = replay.Success
                ? estimateError ?? "reverted on chain (replaying it as eth_call now succeeds, so the state it depended on has changed)"
                : Describe(replay);
        }
        return new TransactionResult(hash, receipt.Success, receipt.GasUsed, limit, estimate, error);
    }

    private async Task<string> SendSignedAsync(EthereumKey signer, TransactionRequest request, ulong gasLimit, CancellationToken cancellationToken)
    {
        _chainId ??= await Rpc.ChainIdAsync(cancellationToken).ConfigureAwait(false);
        ulong nonce = await Rpc.TransactionCountAsync(signer.Address, cancellationToken).ConfigureAwait(false);
        var baseFee = await Rpc.BaseFeePerGasAsync(cancellationToken).ConfigureAwait(false);
        System.Numerics.BigInteger tip;
        try
        {
            tip = await Rpc.MaxPriorityFeePerGasAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException e) when (e.IsRequestError)
        {
            tip = 1_000_000_000; // 1 gwei when the node has no fee suggestion
        }
        // Twice the base fee leaves room for six consecutive full blocks (+12.5% each) before inclusion.
        var tx = new Eip1559Transaction(_chainId.Value, nonce, tip, 2 * baseFee + tip, gasLimit, request.To, request.Value ?? 0, request.Data ?? []);
        return await Rpc.SendRawTransactionAsync(signer.SignTransaction(tx), cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(EthCallResult r)
    {
        var reason = AbiDecoder.DecodeRevertReason(r.ReturnData);
        return reason is null || (r.Error?.Contains(reason, StringComparison.Ordinal) ?? false) ? r.Error ?? "failed" : $"{r.Error}: {reason}";
    }
}
