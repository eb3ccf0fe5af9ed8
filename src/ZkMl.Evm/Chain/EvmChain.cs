using System.Numerics;
using Nethereum.ABI;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.DebugNode.Dtos.Tracing;
using Nethereum.RPC.DebugNode.Tracers;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
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
/// Deploys contracts, calls them, sends transactions and reads call traces through Nethereum
/// (<see cref="IWeb3"/>): either through an account the node has unlocked (<c>eth_sendTransaction</c>;
/// anvil's first dev account by default) or signed locally by a Nethereum <see cref="Account"/>
/// (EIP-1559, <c>eth_sendRawTransaction</c>) for a user's own node. Transactions get a gas limit with
/// margin: min(estimate × 1.25 + 50,000, block gas limit, 2^24), never a bare estimate, because
/// eth_estimateGas can under-provision calls whose precompiles get only 63/64 of the gas.
/// </summary>
public sealed class EvmChain : IDisposable
{
    /// <summary>The EIP-7825 per-transaction gas limit cap (2^24), which nodes after the Osaka upgrade enforce.</summary>
    public const ulong TransactionGasCap = 1UL << 24;

    /// <summary>Gas added to the scaled estimate.</summary>
    public const ulong GasMarginConstant = 50_000;

    /// <summary>The HTTP timeout of the clients <see cref="Connect"/> and <see cref="AnvilNode"/> make (Nethereum's own per-request limit, <see cref="ClientBase.ConnectionTimeout"/>, 20 s by default, applies as well).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // secp256k1 group order n: a private key is an integer in [1, n).
    private static readonly BigInteger Secp256k1Order = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    private readonly HttpClient? _ownedHttp;
    private string? _from;

    /// <summary>
    /// Uses an existing Nethereum <paramref name="web3"/>. When it was made with an <see cref="Account"/>,
    /// transactions are signed locally by that account; otherwise they go to the node's
    /// <c>eth_sendTransaction</c> from <paramref name="from"/> (null: the node's first <c>eth_accounts</c> entry).
    /// </summary>
    public EvmChain(IWeb3 web3, string? from = null) : this(web3, from, null)
    {
    }

    private EvmChain(IWeb3 web3, string? from, HttpClient? ownedHttp)
    {
        Web3 = web3 ?? throw new ArgumentNullException(nameof(web3));
        _ownedHttp = ownedHttp;
        var account = web3.TransactionManager?.Account;
        SignsLocally = account is Account;
        _from = account?.Address is string a ? EvmHex.NormalizeAddress(a) : from is null ? null : EvmHex.NormalizeAddress(from);
    }

    /// <summary>
    /// Connects to the node at <paramref name="rpcUrl"/> (e.g. a user's own node). With
    /// <paramref name="privateKey"/>, transactions are signed locally by Nethereum (the chain id is
    /// read from the node on first use); without it, the node's unlocked account sends them.
    /// </summary>
    /// <exception cref="FormatException">when <paramref name="privateKey"/> is not 32 bytes of hex in [1, n) of secp256k1.</exception>
    public static EvmChain Connect(Uri rpcUrl, string? privateKey = null, string? from = null)
    {
        var account = privateKey is null ? null : ParsePrivateKey(privateKey);
        var http = new HttpClient { Timeout = DefaultTimeout };
        return new EvmChain(CreateWeb3(rpcUrl, account, http), from, http);
    }

    /// <summary>
    /// A Nethereum <see cref="Nethereum.Web3.Web3"/> for the node at <paramref name="rpcUrl"/>, signing with
    /// <paramref name="account"/> when given. <paramref name="httpClient"/> (kept open by the caller) sets
    /// the transport and its timeout; null uses Nethereum's own.
    /// </summary>
    /// <exception cref="ArgumentException">when <paramref name="rpcUrl"/> is not an absolute http(s) URL.</exception>
    public static Web3 CreateWeb3(Uri rpcUrl, Account? account = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        if (!rpcUrl.IsAbsoluteUri || (rpcUrl.Scheme != Uri.UriSchemeHttp && rpcUrl.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"RPC URL must be an absolute http:// or https:// URL, got \"{rpcUrl}\"", nameof(rpcUrl));
        var client = httpClient is null ? new RpcClient(rpcUrl) : new RpcClient(rpcUrl, httpClient);
        var web3 = account is null ? new Web3(client) : new Web3(account, client);
        // anvil mines on arrival: poll for receipts often rather than Nethereum's default interval.
        if (web3.TransactionReceiptPolling is Nethereum.RPC.TransactionReceipts.TransactionReceiptPollingService polling)
            polling.SetPollingRetryIntervalInMilliseconds(20);
        return web3;
    }

    /// <summary>A Nethereum account for a private key of 64 hex digits ("0x" optional); its chain id is read from the node when it first signs.</summary>
    /// <exception cref="FormatException">when it is not 32 bytes of hex or not in [1, n) of secp256k1.</exception>
    public static Account ParsePrivateKey(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        byte[] b;
        try { b = EvmHex.Decode(hex); }
        catch (FormatException) { throw new FormatException("private key: expected 0x followed by 64 hex digits"); }
        if (b.Length != 32) throw new FormatException($"private key: expected 32 bytes, got {b.Length}");
        var d = new BigInteger(b, isUnsigned: true, isBigEndian: true);
        if (d.IsZero || d >= Secp256k1Order) throw new FormatException("private key: must be in [1, n) of secp256k1");
        return new Account(b);
    }

    /// <summary>The Nethereum client of the node.</summary>
    public IWeb3 Web3 { get; }

    /// <summary>True when transactions are signed locally (a Nethereum <see cref="Account"/>), false when the node signs them.</summary>
    public bool SignsLocally { get; }

    /// <summary>The sending account: the signing account, the one given, else the node's first unlocked account.</summary>
    /// <exception cref="InvalidOperationException">when none was given and the node has no unlocked accounts.</exception>
    public async Task<string> SenderAsync(CancellationToken cancellationToken = default)
    {
        if (_from is not null) return _from;
        var accounts = await Web3.Eth.Accounts.SendRequestAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (accounts is null || accounts.Length == 0)
            throw new InvalidOperationException("the node has no unlocked accounts (eth_accounts is empty); pass a From account the node can sign for, or a private key");
        return _from = EvmHex.NormalizeAddress(accounts[0]);
    }

    /// <summary>
    /// Deploys <paramref name="creationBytecode"/> followed by <paramref name="constructorArguments"/>
    /// (ABI-encoded), waits for the receipt and checks code was stored.
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
        var (tx, receipt) = await TransactAsync(null, data, gasLimit, cancellationToken).ConfigureAwait(false);
        if (!tx.Success)
            throw new InvalidOperationException($"deployment failed (transaction {tx.TransactionHash}, gas used {tx.GasUsed} of {tx.GasLimit}): {tx.Error ?? "no reason given"}");
        var address = receipt.ContractAddress is { Length: > 0 } a ? a
            : throw new InvalidOperationException($"deployment receipt {tx.TransactionHash} has no contractAddress");
        var code = await Web3.Eth.GetCode.SendRequestAsync(address).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new DeploymentResult(EvmHex.NormalizeAddress(address), tx.GasUsed, tx.TransactionHash, EvmHex.Decode(code ?? "0x").Length);
    }

    /// <summary>Deploys a compiled contract with constructor arguments, ABI-encoded by Nethereum (e.g. <c>new ABIValue("int256", 7)</c>).</summary>
    /// <exception cref="InvalidOperationException">when deployment fails.</exception>
    public Task<DeploymentResult> DeployAsync(CompiledContract contract, params ABIValue[] constructorArguments)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(constructorArguments);
        return DeployAsync(contract.CreationBytecode, constructorArguments.Length == 0 ? null : new ABIEncode().GetABIEncoded(constructorArguments));
    }

    /// <summary>
    /// <c>eth_call</c> against the latest block, from the sender. An EVM failure (revert, out of gas,
    /// failing precompile, gas limit below the intrinsic cost) gives <c>Success = false</c> with the
    /// node's message and any revert data; only transport problems and malformed requests throw.
    /// </summary>
    /// <param name="to">The called address.</param>
    /// <param name="data">The calldata.</param>
    /// <param name="gas">The call's gas limit; null for the node's default (anvil: the block gas limit).</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <exception cref="RpcResponseException">when the node rejects the request itself (unknown method, invalid params).</exception>
    public async Task<EthCallResult> CallAsync(string to, byte[] data, ulong? gas = null, CancellationToken cancellationToken = default)
    {
        var from = await SenderAsync(cancellationToken).ConfigureAwait(false);
        return await CallAsync(Web3, new CallInput { From = from, To = EvmHex.NormalizeAddress(to), Data = EvmHex.Encode(data), Gas = gas is ulong g ? new HexBigInteger(g) : null }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>eth_call</c> of <paramref name="call"/> with Nethereum; see <see cref="CallAsync(string, byte[], ulong?, CancellationToken)"/>.</summary>
    /// <exception cref="RpcResponseException">when the node rejects the request itself (unknown method, invalid params).</exception>
    public static async Task<EthCallResult> CallAsync(IWeb3 web3, CallInput call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            var result = await web3.Eth.Transactions.Call.SendRequestAsync(call, BlockParameter.CreateLatest()).WaitAsync(cancellationToken).ConfigureAwait(false);
            return new EthCallResult(true, EvmHex.Decode(result ?? "0x"), null);
        }
        catch (RpcResponseException e) when (!IsRequestError(e))
        {
            return new EthCallResult(false, RevertData(e.RpcError), e.RpcError?.Message ?? e.Message);
        }
        catch (Nethereum.ABI.FunctionEncoding.SmartContractRevertException e)
        {
            return new EthCallResult(false, e.EncodedData is { Length: > 0 } d ? EvmHex.Decode(d) : [], "execution reverted: " + e.RevertMessage);
        }
    }

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
    /// <exception cref="RpcResponseException">when the node refuses the transaction (funds, nonce, signature).</exception>
    public async Task<TransactionResult> SendAsync(string to, byte[] data, ulong? gasLimit = null, bool throwOnFailure = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(data);
        var (r, _) = await TransactAsync(EvmHex.NormalizeAddress(to), data, gasLimit, cancellationToken).ConfigureAwait(false);
        if (throwOnFailure && !r.Success)
            throw new InvalidOperationException($"transaction {r.TransactionHash} to {to} failed (gas used {r.GasUsed} of {r.GasLimit}): {r.Error ?? "no reason given"}");
        return r;
    }

    /// <summary>The receipt of a transaction, polled until it is mined.</summary>
    public Task<TransactionReceipt> WaitForReceiptAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionHash);
        return Web3.TransactionReceiptPolling.PollForReceiptAsync(transactionHash, cancellationToken);
    }

    /// <summary>
    /// The call tree of a mined transaction (<c>debug_traceTransaction</c> with geth's <c>callTracer</c>;
    /// anvil and geth support it, many hosted endpoints do not).
    /// </summary>
    /// <exception cref="RpcResponseException">when the node does not support tracing or does not know the transaction.</exception>
    public Task<CallTracerResponse> TraceTransactionAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionHash);
        return Web3.Debug.TraceTransaction.SendRequestAsync<CallTracerResponse>(transactionHash, new TracingOptions { TracerInfo = new CallTracerInfo(false, false) })
            .WaitAsync(cancellationToken);
    }

    /// <summary>The call tree of an <c>eth_call</c> executed on the latest block (<c>debug_traceCall</c>, <c>callTracer</c>); nothing is mined.</summary>
    /// <exception cref="RpcResponseException">when the node does not support tracing.</exception>
    public async Task<CallTracerResponse> TraceCallAsync(string to, byte[] data, ulong? gas = null, CancellationToken cancellationToken = default)
    {
        var call = new CallInput { From = await SenderAsync(cancellationToken).ConfigureAwait(false), To = EvmHex.NormalizeAddress(to), Data = EvmHex.Encode(data), Gas = gas is ulong g ? new HexBigInteger(g) : null };
        return await Web3.Debug.TraceCall.SendRequestAsync<CallTracerResponse>(call, BlockParameter.CreateLatest().GetRPCParam(), new TracingCallOptions { TracerInfo = new CallTracerInfo(false, false) })
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>This frame and all frames below it, depth first.</summary>
    public static IEnumerable<CallTracerResponse> Flatten(CallTracerResponse frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        yield return frame;
        foreach (var c in frame.Calls ?? [])
            foreach (var f in Flatten(c)) yield return f;
    }

    /// <summary>
    /// Splits a mined transaction's gasUsed into intrinsic/calldata, precompile calls (from the
    /// node's call trace) and the contract's own execution. Needs <c>debug_traceTransaction</c>
    /// (anvil and geth have it).
    /// </summary>
    /// <exception cref="RpcResponseException">when the node cannot trace.</exception>
    public async Task<GasBreakdown> GasBreakdownAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        var receipt = await WaitForReceiptAsync(transactionHash, cancellationToken).ConfigureAwait(false);
        var trace = await TraceTransactionAsync(transactionHash, cancellationToken).ConfigureAwait(false);
        bool isCreate = (trace.Type ?? "").StartsWith("CREATE", StringComparison.Ordinal);
        byte[] input = EvmHex.Decode(trace.Input ?? "0x");
        ulong intrinsic = EvmGas.IntrinsicGas(input, isCreate);
        var gas = new Dictionary<string, ulong>();
        var calls = new Dictionary<string, int>();
        foreach (var f in Flatten(trace).Skip(1))
        {
            if (EvmGas.PrecompileName(f.To) is not string name || f.Type == "DELEGATECALL") continue;
            gas[name] = gas.GetValueOrDefault(name) + (ulong)(f.GasUsed?.Value ?? 0);
            calls[name] = calls.GetValueOrDefault(name) + 1;
        }
        ulong pre = gas.Values.Aggregate(0UL, (a, b) => a + b);
        ulong gasUsed = (ulong)receipt.GasUsed.Value;
        // callTracer's top-level gasUsed is the receipt's; with the EIP-7623 floor it can exceed intrinsic + execution.
        ulong floor = EvmGas.CalldataFloorGas(input);
        bool floorApplied = gasUsed == floor && gasUsed > intrinsic;
        long execution = floorApplied ? 0 : (long)gasUsed - (long)intrinsic - (long)pre;
        return new GasBreakdown(gasUsed, intrinsic, EvmGas.CalldataGas(input), gas, calls, execution, floorApplied);
    }

    /// <summary>The gas limit this class sends with for an estimate: min(estimate × 1.25 + 50,000, block gas limit, 2^24).</summary>
    public static ulong GasLimitWithMargin(ulong estimate, ulong blockGasLimit)
    {
        ulong scaled = estimate > ulong.MaxValue / 2 ? ulong.MaxValue / 2 : estimate + estimate / 4;
        return Math.Min(Math.Min(scaled + GasMarginConstant, blockGasLimit), TransactionGasCap);
    }

    /// <summary>True for the standard JSON-RPC codes that mean the request itself was wrong (parse error, invalid request, unknown method, invalid params).</summary>
    public static bool IsRequestError(RpcResponseException e) => e?.RpcError?.Code is -32700 or -32600 or -32601 or -32602;

    /// <summary>Disposes the HTTP client <see cref="Connect"/> created.</summary>
    public void Dispose() => _ownedHttp?.Dispose();

    private async Task<(TransactionResult Result, TransactionReceipt Receipt)> TransactAsync(string? to, byte[] data, ulong? gasLimit, CancellationToken cancellationToken)
    {
        var from = await SenderAsync(cancellationToken).ConfigureAwait(false);
        var input = new TransactionInput { From = from, To = to, Data = EvmHex.Encode(data) };
        ulong? estimate = null;
        string? estimateError = null;
        ulong limit;
        if (gasLimit is ulong explicitLimit)
        {
            limit = explicitLimit;
        }
        else
        {
            var block = await Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).WaitAsync(cancellationToken).ConfigureAwait(false);
            ulong blockLimit = (ulong)block.GasLimit.Value;
            try
            {
                estimate = (ulong)(await Web3.Eth.Transactions.EstimateGas.SendRequestAsync(input).WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
                limit = GasLimitWithMargin(estimate.Value, blockLimit);
            }
            catch (RpcResponseException e) when (!IsRequestError(e))
            {
                // Execution fails whatever the gas: send anyway so the caller gets a mined status-0
                // receipt. A REVERT refunds the unused gas, so the generous limit costs little.
                estimateError = e.RpcError?.Message ?? e.Message;
                limit = Math.Min(blockLimit, TransactionGasCap);
            }
        }
        input.Gas = new HexBigInteger(limit);
        // With an Account, Nethereum fills in nonce, chain id and EIP-1559 fees and signs locally
        // (eth_sendRawTransaction); without one, the node signs (eth_sendTransaction).
        var hash = await Web3.TransactionManager.SendTransactionAsync(input).WaitAsync(cancellationToken).ConfigureAwait(false);
        var receipt = await WaitForReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
        bool success = receipt.Status?.Value == 1;
        string? error = null;
        if (!success)
        {
            var replay = await CallAsync(Web3, new CallInput { From = from, To = to, Data = input.Data, Gas = input.Gas }, cancellationToken).ConfigureAwait(false);
            error = replay.Success
                ? estimateError ?? "reverted on chain (replaying it as eth_call now succeeds, so the state it depended on has changed)"
                : Describe(replay);
        }
        return (new TransactionResult(hash, success, (ulong)receipt.GasUsed.Value, limit, estimate, error), receipt);
    }

    private static byte[] RevertData(RpcError? error)
    {
        if (error?.Data is null) return [];
        // Nodes differ: anvil and geth give "data": "0x…"; some wrap it as {"data": "0x…"}.
        var token = error.Data as Newtonsoft.Json.Linq.JToken;
        if (token is Newtonsoft.Json.Linq.JObject o && o["data"] is { } inner) token = inner;
        string? s = token?.Type == Newtonsoft.Json.Linq.JTokenType.String ? token.ToString() : error.Data as string;
        if (s is null || !s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return [];
        try { return EvmHex.Decode(s); }
        catch (FormatException) { return []; }
    }

    private static string Describe(EthCallResult r)
    {
        var reason = RevertReason.Decode(r.ReturnData);
        return reason is null || (r.Error?.Contains(reason, StringComparison.Ordinal) ?? false) ? r.Error ?? "failed" : $"{r.Error}: {reason}";
    }
}
