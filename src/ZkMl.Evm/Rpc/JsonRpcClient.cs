using System.Net.Http.Headers;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZkMl.Evm.Rpc;

/// <summary>
/// A small Ethereum JSON-RPC 2.0 client over HTTP (HttpClient + System.Text.Json). It talks to
/// any node: the local anvil started by <see cref="Chain.AnvilNode"/> or a user's own RPC URL.
/// Thread-safe; one instance can serve concurrent requests.
/// </summary>
public sealed class JsonRpcClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private long _nextId;

    /// <summary>Creates a client for the node at <paramref name="url"/>.</summary>
    /// <param name="url">The node's HTTP endpoint, e.g. http://127.0.0.1:8545.</param>
    /// <param name="timeout">Per-request timeout; default 60 seconds.</param>
    /// <param name="httpClient">An HttpClient to use (not disposed by this client); null creates one.</param>
    /// <exception cref="ArgumentException">when <paramref name="url"/> is not an absolute http(s) URL.</exception>
    public JsonRpcClient(Uri url, TimeSpan? timeout = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"RPC URL must be an absolute http:// or https:// URL, got \"{url}\"", nameof(url));
        Url = url;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient();
        if (_ownsHttp) _http.Timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>The node's endpoint.</summary>
    public Uri Url { get; }

    /// <summary>
    /// Calls <paramref name="method"/> with positional <paramref name="parameters"/> (serialised
    /// with System.Text.Json; pass <see cref="JsonNode"/>s for exact control) and deserialises the result.
    /// </summary>
    /// <exception cref="JsonRpcException">when the node returns an error object or a malformed response.</exception>
    /// <exception cref="HttpRequestException">when the node cannot be reached or answers with a non-success HTTP status.</exception>
    /// <exception cref="TaskCanceledException">on timeout or cancellation.</exception>
    public async Task<T> CallAsync<T>(string method, object?[]? parameters = null, CancellationToken cancellationToken = default)
    {
        var result = await CallRawAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        try
        {
            return result.Deserialize<T>()!;
        }
        catch (JsonException e)
        {
            throw new JsonRpcException(method, 0, $"cannot read result {Shorten(result.GetRawText())} as {typeof(T).Name}: {e.Message}", null);
        }
    }

    /// <summary>Calls <paramref name="method"/> and returns the raw <c>result</c> member.</summary>
    /// <exception cref="JsonRpcException">when the node returns an error object or a malformed response.</exception>
    /// <exception cref="HttpRequestException">when the node cannot be reached or answers with a non-success HTTP status.</exception>
    public async Task<JsonElement> CallRawAsync(string method, object?[]? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        long id = Interlocked.Increment(ref _nextId);
        var paramArray = new JsonArray();
        foreach (var p in parameters ?? [])
            paramArray.Add(p is JsonNode n ? n.DeepClone() : JsonSerializer.SerializeToNode(p));
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = method,
            ["params"] = paramArray,
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(Url, content, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            response.EnsureSuccessStatusCode();
            throw new JsonRpcException(method, 0, $"response is not JSON: {Shorten(body)}", null);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                int code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out int ci) ? ci : 0;
                string message = error.TryGetProperty("message", out var m) ? m.ToString() : "(no message)";
                string? data = error.TryGetProperty("data", out var d) ? d.GetRawText() : null;
                throw new JsonRpcException(method, code, message, data);
            }
            response.EnsureSuccessStatusCode();
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("result", out var result))
                throw new JsonRpcException(method, 0, $"response has neither result nor error: {Shorten(body)}", null);
            return result.Clone();
        }
    }

    /// <summary><c>eth_chainId</c>: the chain id (31337 for anvil).</summary>
    public async Task<ulong> ChainIdAsync(CancellationToken cancellationToken = default) =>
        EvmHex.ParseQuantity(await CallAsync<string>("eth_chainId", null, cancellationToken).ConfigureAwait(false));

    /// <summary><c>eth_blockNumber</c>: the latest block number.</summary>
    public async Task<ulong> BlockNumberAsync(CancellationToken cancellationToken = default) =>
        EvmHex.ParseQuantity(await CallAsync<string>("eth_blockNumber", null, cancellationToken).ConfigureAwait(false));

    /// <summary>The gas limit of the latest block (<c>eth_getBlockByNumber("latest")</c>).</summary>
    public async Task<ulong> BlockGasLimitAsync(CancellationToken cancellationToken = default)
    {
        var block = await CallRawAsync("eth_getBlockByNumber", ["latest", false], cancellationToken).ConfigureAwait(false);
        if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("gasLimit", out var gl))
            throw new JsonRpcException("eth_getBlockByNumber", 0, "latest block has no gasLimit", null);
        return EvmHex.ParseQuantity(gl.GetString() ?? "");
    }

    /// <summary>The base fee per gas of the latest block (EIP-1559), in wei; 0 when the node reports none.</summary>
    public async Task<BigInteger> BaseFeePerGasAsync(CancellationToken cancellationToken = default)
    {
        var block = await CallRawAsync("eth_getBlockByNumber", ["latest", false], cancellationToken).ConfigureAwait(false);
        return block.ValueKind == JsonValueKind.Object && block.TryGetProperty("baseFeePerGas", out var f) && f.GetString() is string q
            ? EvmHex.ParseBigQuantity(q)
            : BigInteger.Zero;
    }

    /// <summary><c>eth_maxPriorityFeePerGas</c>: the node's suggested tip per gas, in wei.</summary>
    public async Task<BigInteger> MaxPriorityFeePerGasAsync(CancellationToken cancellationToken = default) =>
        EvmHex.ParseBigQuantity(await CallAsync<string>("eth_maxPriorityFeePerGas", null, cancellationToken).ConfigureAwait(false));

    /// <summary><c>eth_getTransactionCount</c> at the pending block: the next nonce of <paramref name="address"/>.</summary>
    public async Task<ulong> TransactionCountAsync(string address, CancellationToken cancellationToken = default) =>
        EvmHex.ParseQuantity(await CallAsync<string>("eth_getTransactionCount", [EvmHex.NormalizeAddress(address), "pending"], cancellationToken).ConfigureAwait(false));

    /// <summary><c>eth_sendRawTransaction</c>: submits a signed transaction and returns its hash.</summary>
    /// <exception cref="JsonRpcException">when the node rejects it (bad signature, nonce, funds, fee).</exception>
    public Task<string> SendRawTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken = default) =>
        CallAsync<string>("eth_sendRawTransaction", [EvmHex.Encode(rawTransaction.Span)], cancellationToken);

    /// <summary><c>eth_accounts</c>: the accounts the node can sign for (anvil: its ten unlocked dev accounts).</summary>
    public Task<string[]> AccountsAsync(CancellationToken cancellationToken = default) =>
        CallAsync<string[]>("eth_accounts", null, cancellationToken);

    /// <summary><c>eth_getBalance</c> at the latest block, in wei.</summary>
    public async Task<BigInteger> GetBalanceAsync(string address, CancellationToken cancellationToken = default) =>
        EvmHex.ParseBigQuantity(await CallAsync<string>("eth_getBalance", [EvmHex.NormalizeAddress(address), "latest"], cancellationToken).ConfigureAwait(false));

    /// <summary><c>eth_getCode</c> at the latest block: the deployed (runtime) code, empty for an account without code.</summary>
    public async Task<byte[]> GetCodeAsync(string address, CancellationToken cancellationToken = default) =>
        EvmHex.Decode(await CallAsync<string>("eth_getCode", [EvmHex.NormalizeAddress(address), "latest"], cancellationToken).ConfigureAwait(false));

    /// <summary><c>web3_sha3</c>: the node's Keccak-256 of <paramref name="data"/> (useful as an independent reference).</summary>
    public async Task<byte[]> Web3Sha3Async(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        EvmHex.Decode(await CallAsync<string>("web3_sha3", [EvmHex.Encode(data.Span)], cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// <c>eth_call</c> against the latest block. An EVM failure (revert, out of gas, failing
    /// precompile, gas limit below the intrinsic cost) gives <c>Success = false</c> with the node's
    /// message and any revert data; only transport problems and malformed requests throw.
    /// </summary>
    /// <param name="to">The called address.</param>
    /// <param name="data">The calldata.</param>
    /// <param name="gas">The call's gas limit; null for the node's default (anvil: the block gas limit).</param>
    /// <param name="from">The caller; null for the node's default (the zero address).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="JsonRpcException">when the node rejects the request itself (unknown method, invalid params).</exception>
    /// <exception cref="HttpRequestException">when the node cannot be reached.</exception>
    public Task<EthCallResult> EthCallAsync(string to, ReadOnlyMemory<byte> data, ulong? gas = null, string? from = null, CancellationToken cancellationToken = default) =>
        EthCallAsync(new TransactionRequest { To = to, Data = data.ToArray(), Gas = gas, From = from }, cancellationToken);

    /// <summary><c>eth_call</c> of a full call object; see <see cref="EthCallAsync(string, ReadOnlyMemory{byte}, ulong?, string?, CancellationToken)"/>.</summary>
    /// <exception cref="JsonRpcException">when the node rejects the request itself (unknown method, invalid params).</exception>
    public async Task<EthCallResult> EthCallAsync(TransactionRequest call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            var result = await CallAsync<string>("eth_call", [ToJson(call), "latest"], cancellationToken).ConfigureAwait(false);
            return new EthCallResult(true, EvmHex.Decode(result), null);
        }
        catch (JsonRpcException e) when (!e.IsRequestError && e.Code != 0)
        {
            return new EthCallResult(false, RevertData(e), e.RpcMessage);
        }
    }

    /// <summary><c>eth_estimateGas</c> for a call or deployment.</summary>
    /// <exception cref="JsonRpcException">when the node cannot estimate, e.g. because execution reverts (code 3).</exception>
    public async Task<ulong> EstimateGasAsync(TransactionRequest transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return EvmHex.ParseQuantity(await CallAsync<string>("eth_estimateGas", [ToJson(transaction)], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// <c>eth_sendTransaction</c>: the node signs with the unlocked <see cref="TransactionRequest.From"/>
    /// account (anvil's dev accounts from <see cref="AccountsAsync"/>) and returns the transaction hash.
    /// </summary>
    /// <exception cref="ArgumentException">when <see cref="TransactionRequest.From"/> is missing.</exception>
    /// <exception cref="JsonRpcException">when the node refuses the transaction (e.g. it cannot estimate gas because execution reverts).</exception>
    public async Task<string> SendTransactionAsync(TransactionRequest transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.From is null) throw new ArgumentException("eth_sendTransaction needs a From account", nameof(transaction));
        return await CallAsync<string>("eth_sendTransaction", [ToJson(transaction)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>eth_getTransactionReceipt</c>: the receipt, or null while the transaction is not mined.</summary>
    /// <exception cref="JsonRpcException">when the node errors or the receipt lacks status/gasUsed.</exception>
    public async Task<TransactionReceipt?> GetTransactionReceiptAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionHash);
        var r = await CallRawAsync("eth_getTransactionReceipt", [transactionHash], cancellationToken).ConfigureAwait(false);
        if (r.ValueKind == JsonValueKind.Null) return null;
        string Field(string name) =>
            r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : throw new JsonRpcException("eth_getTransactionReceipt", 0, $"receipt of {transactionHash} has no {name}", null);
        string? contract = r.TryGetProperty("contractAddress", out var ca) && ca.ValueKind == JsonValueKind.String ? ca.GetString() : null;
        return new TransactionReceipt(
            Field("transactionHash"),
            EvmHex.ParseQuantity(Field("status")) == 1,
            EvmHex.ParseQuantity(Field("gasUsed")),
            contract,
            EvmHex.ParseQuantity(Field("blockNumber")));
    }

    /// <summary>Polls <c>eth_getTransactionReceipt</c> until the transaction is mined.</summary>
    /// <param name="transactionHash">The transaction.</param>
    /// <param name="timeout">How long to wait; default 120 seconds.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TimeoutException">when no receipt appears within <paramref name="timeout"/>.</exception>
    public async Task<TransactionReceipt> WaitForReceiptAsync(string transactionHash, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var receipt = await GetTransactionReceiptAsync(transactionHash, cancellationToken).ConfigureAwait(false);
            if (receipt is not null) return receipt;
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"transaction {transactionHash} was not mined within {(timeout ?? TimeSpan.FromSeconds(120)).TotalSeconds:0} s (node {Url})");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            if (delay < TimeSpan.FromSeconds(1)) delay *= 2;
        }
    }

    /// <summary>
    /// The call tree of a mined transaction (<c>debug_traceTransaction</c> with geth's
    /// <c>callTracer</c>; anvil and geth support it, many hosted endpoints do not).
    /// </summary>
    /// <exception cref="JsonRpcException">when the node does not support tracing or does not know the transaction.</exception>
    public async Task<CallFrame> TraceTransactionCallsAsync(string transactionHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionHash);
        var tracer = new JsonObject { ["tracer"] = "callTracer" };
        return ParseFrame(await CallRawAsync("debug_traceTransaction", [transactionHash, tracer], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The call tree of an <c>eth_call</c> executed on the latest block (<c>debug_traceCall</c>, <c>callTracer</c>); nothing is mined.</summary>
    /// <exception cref="JsonRpcException">when the node does not support tracing.</exception>
    public async Task<CallFrame> TraceCallAsync(TransactionRequest call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var tracer = new JsonObject { ["tracer"] = "callTracer" };
        return ParseFrame(await CallRawAsync("debug_traceCall", [ToJson(call), "latest", tracer], cancellationToken).ConfigureAwait(false));
    }

    private static CallFrame ParseFrame(JsonElement f)
    {
        string? Str(string name) => f.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        ulong Qty(string name) => Str(name) is string q ? EvmHex.ParseQuantity(q) : 0;
        var calls = new List<CallFrame>();
        if (f.TryGetProperty("calls", out var cs) && cs.ValueKind == JsonValueKind.Array)
            foreach (var c in cs.EnumerateArray()) calls.Add(ParseFrame(c));
        return new CallFrame(
            Str("type") ?? "",
            Str("from") ?? "",
            Str("to"),
            Qty("gas"),
            Qty("gasUsed"),
            Str("input") is string i ? EvmHex.Decode(i) : [],
            Str("output") is string o ? EvmHex.Decode(o) : [],
            Str("error"),
            calls);
    }

    /// <summary>Disposes the HttpClient when this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    internal static JsonObject ToJson(TransactionRequest t)
    {
        var o = new JsonObject();
        if (t.From is not null) o["from"] = EvmHex.NormalizeAddress(t.From);
        if (t.To is not null) o["to"] = EvmHex.NormalizeAddress(t.To);
        if (t.Data is not null) o["data"] = EvmHex.Encode(t.Data);
        if (t.Gas is ulong g) o["gas"] = EvmHex.FormatQuantity(g);
        if (t.Value is BigInteger v) o["value"] = EvmHex.FormatQuantity(v);
        return o;
    }

    private static byte[] RevertData(JsonRpcException e)
    {
        if (e.Data is null) return [];
        try
        {
            using var d = JsonDocument.Parse(e.Data);
            var el = d.RootElement;
            // Nodes differ: anvil and geth give "data": "0x…"; some wrap it as {"data": "0x…"}.
            if (el.ValueKind == JsonValueKind.Object && el.TryGetProperty("data", out var inner)) el = inner;
            return el.ValueKind == JsonValueKind.String && el.GetString() is string s && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? EvmHex.Decode(s)
                : [];
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return [];
        }
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..297] + "...";
}
