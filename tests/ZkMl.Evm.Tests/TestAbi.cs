using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;

namespace ZkMl.Evm.Tests;

/// <summary>Calldata and return values of the probe contracts, encoded and decoded by Nethereum.</summary>
internal static class TestAbi
{
    /// <summary>Calldata of <paramref name="name"/>(types of <paramref name="args"/>): Nethereum's selector and ABI encoding.</summary>
    public static byte[] Call(string name, params (string Type, object Value)[] args)
    {
        var parameters = Parameters(args.Select(a => a.Type));
        var function = new FunctionABI(name, false) { InputParameters = parameters };
        return EvmHex.Decode(new FunctionCallEncoder().EncodeRequest(function.Sha3Signature, parameters, args.Select(a => a.Value).ToArray()));
    }

    /// <summary>The canonical signature Nethereum builds for <paramref name="name"/>(<paramref name="types"/>).</summary>
    public static string Selector(string name, params string[] types) =>
        new FunctionABI(name, false) { InputParameters = Parameters(types) }.Sha3Signature;

    /// <summary>Decodes a tuple of <paramref name="types"/>.</summary>
    public static object[] Decode(byte[] data, params string[] types) =>
        [.. new FunctionCallDecoder().DecodeDefaultData(data, Parameters(types)).Select(o => o.Result)];

    /// <summary>Decodes one value of <paramref name="type"/>.</summary>
    public static T Decode<T>(byte[] data, string type) => (T)Decode(data, type)[0];

    private static Parameter[] Parameters(IEnumerable<string> types) =>
        [.. types.Select((t, i) => new Parameter(t, "p" + i, i + 1, null, null))];
}
