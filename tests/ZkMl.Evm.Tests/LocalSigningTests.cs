using System.Collections.Concurrent;
using System.Numerics;
using Nethereum.ABI;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;
using ZkMl.Evm.Chain;

namespace ZkMl.Evm.Tests;

/// <summary>Records the JSON-RPC methods a Nethereum client sends, to tell local signing from node signing.</summary>
internal sealed class MethodRecorder : RequestInterceptor
{
    public ConcurrentQueue<string> Methods { get; } = new();

    public override Task<object> InterceptSendRequestAsync<T>(Func<RpcRequest, string, Task<T>> interceptedSendRequestAsync, RpcRequest request, string route = null!)
    {
        Methods.Enqueue(request.Method);
        return base.InterceptSendRequestAsync(interceptedSendRequestAsync, request, route);
    }

    public override Task InterceptSendRequestAsync(Func<RpcRequest, string, Task> interceptedSendRequestAsync, RpcRequest request, string route = null!)
    {
        Methods.Enqueue(request.Method);
        return base.InterceptSendRequestAsync(interceptedSendRequestAsync, request, route);
    }

    public override Task<object> InterceptSendRequestAsync<T>(Func<string, string, object[], Task<T>> interceptedSendRequestAsync, string method, string route = null!, params object[] paramList)
    {
        Methods.Enqueue(method);
        return base.InterceptSendRequestAsync(interceptedSendRequestAsync, method, route, paramList);
    }

    public override Task InterceptSendRequestAsync(Func<string, string, object[], Task> interceptedSendRequestAsync, string method, string route = null!, params object[] paramList)
    {
        Methods.Enqueue(method);
        return base.InterceptSendRequestAsync(interceptedSendRequestAsync, method, route, paramList);
    }

    public static MethodRecorder On(EvmChain chain)
    {
        var recorder = new MethodRecorder();
        ((ClientBase)chain.Web3.Client).OverridingRequestInterceptor = recorder;
        return recorder;
    }
}

public class PrivateKeyTests
{
    [Theory]
    [InlineData("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")]
    [InlineData("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8")]
    public void AnvilDevKeysGiveTheirAddresses(string key, string address) =>
        Assert.Equal(address, EvmChain.ParsePrivateKey(key).Address.ToLowerInvariant());

    [Theory]
    [InlineData("", "expected 32 bytes")]
    [InlineData("0x1234", "expected 32 bytes")]
    [InlineData("0xzz0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "hex digits")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000", "[1, n)")]
    [InlineData("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "[1, n)")]
    public void BadPrivateKeysAreRefused(string key, string message)
    {
        var e = Assert.Throws<FormatException>(() => EvmChain.ParsePrivateKey(key));
        Assert.Contains(message, e.Message);
    }
}

[Collection(ProbeCollection.Name)]
public class LocalSigningTests(ProbeFixture probe)
{
    private const string DevKey1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    private const string DevAddress1 = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

    [Fact]
    public async Task DevAccountKeyDeploysThroughNethereumsLocalSigning()
    {
        using var chain = EvmChain.Connect(probe.Anvil.RpcUrl, DevKey1);
        var recorder = MethodRecorder.On(chain);
        Assert.True(chain.SignsLocally);
        Assert.Equal(DevAddress1, await chain.SenderAsync());

        var deployed = await chain.DeployAsync(probe.Contract, new ABIValue("int256", 11));
        Assert.Equal(probe.Contract.DeployedSize, deployed.DeployedSize);
        Assert.Contains("eth_sendRawTransaction", recorder.Methods);
        Assert.DoesNotContain("eth_sendTransaction", recorder.Methods);

        var tx = await probe.Anvil.Web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(deployed.TransactionHash);
        Assert.Equal(DevAddress1, tx.From.ToLowerInvariant());
        Assert.Equal(2, (int)tx.Type.Value); // EIP-1559
        Assert.Equal(11, TestAbi.Decode<BigInteger>((await chain.CallAsync(deployed.Address, TestAbi.Call("offset"))).EnsureSuccess(), "int256"));
    }

    [Fact]
    public async Task AKeyTheNodeDoesNotHoldSignsLocally()
    {
        // A fresh key (fixed seed) funded by a dev account: the node cannot sign for it, Nethereum does.
        var d = new byte[32];
        new Random(4242).NextBytes(d);
        d[0] = 0x11;
        string key = Convert.ToHexString(d);
        using var chain = EvmChain.Connect(probe.Anvil.RpcUrl, key);
        string address = await chain.SenderAsync();
        var accounts = await probe.Anvil.Web3.Eth.Accounts.SendRequestAsync();
        var fund = await probe.Anvil.Web3.TransactionManager.SendTransactionAsync(new TransactionInput
        {
            From = accounts[2],
            To = address,
            Value = new HexBigInteger(BigInteger.Pow(10, 18)),
        });
        Assert.Equal(1, (int)(await probe.Chain.WaitForReceiptAsync(fund)).Status.Value);

        // The node refuses to sign for it ...
        await Assert.ThrowsAsync<RpcResponseException>(() => probe.Anvil.Web3.TransactionManager.SendTransactionAsync(new TransactionInput
        {
            From = address,
            To = accounts[0],
            Value = new HexBigInteger(1),
            Gas = new HexBigInteger(21_000),
        }));

        // ... while Nethereum signs deployments, transactions and reverting transactions for it.
        var deployed = await chain.DeployAsync(probe.Contract, new ABIValue("int256", 5));
        Assert.Equal(probe.Contract.DeployedSize, deployed.DeployedSize);
        var tx = await chain.SendAsync(deployed.Address, TestAbi.Call("store", ("uint256", new BigInteger(9))), throwOnFailure: true);
        Assert.True(tx.GasUsed > 21_000);
        Assert.Equal(9, TestAbi.Decode<BigInteger>((await chain.CallAsync(deployed.Address, TestAbi.Call("counter"))).EnsureSuccess(), "uint256"));
        Assert.Equal(2, (int)(await probe.Anvil.Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(address)).Value);

        var reverted = await chain.SendAsync(deployed.Address, TestAbi.Call("store", ("uint256", BigInteger.Zero)));
        Assert.False(reverted.Success);
        Assert.Contains("zero not allowed", reverted.Error);
    }

    [Fact]
    public async Task UnfundedKeyIsRefused()
    {
        using var chain = EvmChain.Connect(probe.Anvil.RpcUrl, "0x" + new string('7', 64));
        await Assert.ThrowsAsync<RpcResponseException>(() =>
            chain.SendAsync(probe.Deployment.Address, TestAbi.Call("store", ("uint256", BigInteger.One)), gasLimit: 100_000));
    }
}
