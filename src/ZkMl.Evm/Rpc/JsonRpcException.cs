namespace ZkMl.Evm.Rpc;

/// <summary>An error object returned by a JSON-RPC node, or a response that breaks the JSON-RPC 2.0 format.</summary>
public sealed class JsonRpcException : Exception
{
    /// <summary>Creates the exception for a failed request.</summary>
    /// <param name="method">The JSON-RPC method that was called.</param>
    /// <param name="code">The error code (0 when the response was malformed rather than an error object).</param>
    /// <param name="rpcMessage">The node's error message.</param>
    /// <param name="data">The error's <c>data</c> member as raw JSON text, or null.</param>
    public JsonRpcException(string method, int code, string rpcMessage, string? data)
        : base($"JSON-RPC {method} failed: {rpcMessage} (code {code}{(data is null ? "" : ", data " + data)})")
    {
        Method = method;
        Code = code;
        RpcMessage = rpcMessage;
        Data = data;
    }

    /// <summary>The JSON-RPC method that was called.</summary>
    public string Method { get; }

    /// <summary>The JSON-RPC error code (e.g. 3 for "execution reverted", -32601 for an unknown method).</summary>
    public int Code { get; }

    /// <summary>The node's error message.</summary>
    public string RpcMessage { get; }

    /// <summary>The error's <c>data</c> member as raw JSON text (for a revert: the quoted revert data hex), or null.</summary>
    public new string? Data { get; }

    /// <summary>
    /// True for the standard codes that mean the request itself was wrong (parse error, invalid
    /// request, unknown method, invalid params) rather than that its execution failed.
    /// </summary>
    public bool IsRequestError => Code is -32700 or -32600 or -32601 or -32602;
}
