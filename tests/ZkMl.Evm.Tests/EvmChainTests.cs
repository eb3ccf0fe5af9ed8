using System.Numerics;
using System.Security.Cryptography;
using Nethereum.ABI;
using ZkMl.Evm.Chain;
using ZkMl.Proofs.Hashing;

namespace ZkMl.Evm.Tests;

[Collection(ProbeCollection.Name)]
public class EvmChainTests(ProbeFixture probe)
{
    private string Address => probe.Deployment.Address;

    private async Task<byte[]> ViewAsync(string function, params (string, object)[] args)
    {
        var r = await probe.Chain.CallAsync(Address, TestAbi.Call(function, args));
        Assert.True(r.Success, r.Error);
        return r.ReturnData;
    }

    [Fact]
    public async Task DeploymentStoredTheRuntimeCode()
    {
        var code = EvmHex.Decode(await probe.Anvil.Web3.Eth.GetCode.SendRequestAsync(Address));
        Assert.Equal(probe.Contract.DeployedSize, code.Length);
        Assert.Equal(code.Length, probe.Deployment.DeployedSize);
        Assert.True(probe.Deployment.GasUsed > 53_000);
        Assert.True(probe.Contract.DeployedSize < 24_576);
        Assert.Equal(ProbeFixture.Offset, TestAbi.Decode<BigInteger>(await ViewAsync("offset"), "int256"));
    }

    [Fact]
    public async Task ViewWithBytesAndUint256Array()
    {
        var data = new byte[70];
        new Random(3).NextBytes(data);
        List<BigInteger> xs = [1, 2, (BigInteger.One << 200) + 5];
        var ret = TestAbi.Decode(await ViewAsync("digest", ("bytes", data), ("uint256[]", xs)), "bytes32", "uint256", "uint256");
        Assert.Equal(Keccak256.Hash(data), (byte[])ret[0]);
        Assert.Equal(xs.Aggregate(BigInteger.Add), (BigInteger)ret[1]);
        Assert.Equal(70, (BigInteger)ret[2]);
    }

    [Fact]
    public async Task SignedArraysAndBools()
    {
        Assert.Equal(ProbeFixture.Offset - 100 + 3, TestAbi.Decode<BigInteger>(await ViewAsync("sumSigned", ("int256[]", new List<BigInteger> { -100, 3 })), "int256"));
        Assert.True(TestAbi.Decode<bool>(await ViewAsync("isOdd", ("uint256", new BigInteger(7))), "bool"));
        Assert.False(TestAbi.Decode<bool>(await ViewAsync("isOdd", ("uint256", new BigInteger(8))), "bool"));
        Assert.Equal([9, 8, 7], TestAbi.Decode<byte[]>(await ViewAsync("echo", ("bytes", new byte[] { 9, 8, 7 })), "bytes"));
        Assert.Empty(TestAbi.Decode<byte[]>(await ViewAsync("echo", ("bytes", Array.Empty<byte>())), "bytes"));
    }

    [Fact]
    public async Task SolidityReencodesNethereumsEncodingIdentically()
    {
        // Solidity decodes Nethereum's calldata and abi.encode()s the values again: both encoders must agree byte for byte.
        var rng = new Random(11);
        for (int i = 0; i < 5; i++)
        {
            var b32 = RandomBytes(rng, 32);
            (string, object)[] statics =
            [
                ("uint256", new BigInteger(RandomBytes(rng, 32), isUnsigned: true)),
                ("int256", -new BigInteger(RandomBytes(rng, 31), isUnsigned: true)),
                ("address", "0x" + Convert.ToHexStringLower(RandomBytes(rng, 20))),
                ("bool", i % 2 == 0),
                ("bytes32", b32),
            ];
            Assert.Equal(Encode(statics), TestAbi.Decode<byte[]>(await ViewAsync("echoStatic", statics), "bytes"));

            (string, object)[] dynamics =
            [
                ("bytes", RandomBytes(rng, rng.Next(0, 80))),
                ("uint256[]", Enumerable.Range(0, rng.Next(0, 5)).Select(_ => new BigInteger(RandomBytes(rng, 32), isUnsigned: true)).ToList()),
                ("int256[]", Enumerable.Range(0, rng.Next(0, 5)).Select(_ => new BigInteger(RandomBytes(rng, 16))).ToList()),
            ];
            Assert.Equal(Encode(dynamics), TestAbi.Decode<byte[]>(await ViewAsync("echoDynamic", dynamics), "bytes"));
        }
        (string, object)[] nested =
        [
            ("uint256[][]", new List<List<BigInteger>> { new() { 1, 2 }, new() { 3 } }),
            ("string[]", new List<string> { "one", "two", "three" }),
        ];
        Assert.Equal(Encode(nested), TestAbi.Decode<byte[]>(await ViewAsync("echoNested", nested), "bytes"));

        static byte[] Encode((string Type, object Value)[] values) =>
            new ABIEncode().GetABIEncoded([.. values.Select(v => new ABIValue(v.Type, v.Value))]);
    }

    [Fact]
    public void SelectorsMatchSolc()
    {
        foreach (var (signature, selector) in probe.Contract.MethodIdentifiers)
        {
            int open = signature.IndexOf('(');
            var types = signature[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(selector, TestAbi.Selector(signature[..open], types));
        }
        Assert.Contains("digest(bytes,uint256[])", probe.Contract.MethodIdentifiers.Keys);
    }

    [Fact]
    public async Task PrecompileCallThroughContract()
    {
        var d = RandomBytes(new Random(5), 100);
        Assert.Equal(SHA256.HashData(d), await ViewAsync("sha", ("bytes", d)));
    }

    [Fact]
    public async Task TransactionChangesStateAndReportsGas()
    {
        var before = TestAbi.Decode<BigInteger>(await ViewAsync("counter"), "uint256");
        var tx = await probe.Chain.SendAsync(Address, TestAbi.Call("store", ("uint256", new BigInteger(5))));
        Assert.True(tx.Success, tx.Error);
        Assert.Null(tx.Error);
        Assert.True(tx.GasUsed > 21_000);
        Assert.NotNull(tx.GasEstimate);
        Assert.Equal(EvmChain.GasLimitWithMargin(tx.GasEstimate!.Value, 30_000_000), tx.GasLimit);
        Assert.True(tx.GasUsed <= tx.GasLimit);
        Assert.Equal(before + 5, TestAbi.Decode<BigInteger>(await ViewAsync("counter"), "uint256"));
        var receipt = await probe.Anvil.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(tx.TransactionHash);
        Assert.NotNull(receipt);
        Assert.Equal(tx.GasUsed, (ulong)receipt.GasUsed.Value);
        Assert.Equal(1, (int)receipt.Status.Value);
    }

    [Fact]
    public async Task RevertGivesStatusZeroWithReason()
    {
        var call = await probe.Chain.CallAsync(Address, TestAbi.Call("store", ("uint256", BigInteger.Zero)));
        Assert.False(call.Success);
        Assert.Equal("zero not allowed", RevertReason.Decode(call.ReturnData));

        var tx = await probe.Chain.SendAsync(Address, TestAbi.Call("store", ("uint256", BigInteger.Zero)));
        Assert.False(tx.Success);
        Assert.Null(tx.GasEstimate);
        Assert.Contains("zero not allowed", tx.Error);
        Assert.True(tx.GasUsed > 21_000 && tx.GasUsed < 100_000, $"a REVERT refunds unused gas; used {tx.GasUsed}");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            probe.Chain.SendAsync(Address, TestAbi.Call("store", ("uint256", BigInteger.Zero)), throwOnFailure: true));
        Assert.Contains("zero not allowed", e.Message);
    }

    [Fact]
    public async Task TooLittleGasRevertsTheTransaction()
    {
        var data = TestAbi.Call("burn", ("uint256", new BigInteger(200)));
        var tx = await probe.Chain.SendAsync(Address, data, gasLimit: 40_000);
        Assert.False(tx.Success);
        Assert.Equal(40_000UL, tx.GasUsed);
        Assert.NotNull(tx.Error);

        var ok = await probe.Chain.SendAsync(Address, data);
        Assert.True(ok.Success, ok.Error);
        Assert.True(ok.GasUsed > 40_000);
        Assert.True(ok.GasLimit >= ok.GasEstimate!.Value * 5 / 4 + EvmChain.GasMarginConstant);
    }

    [Fact]
    public async Task ConnectingByUrlWorksTheSame()
    {
        using var chain = EvmChain.Connect(probe.Anvil.RpcUrl);
        Assert.False(chain.SignsLocally);
        Assert.Equal("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", await chain.SenderAsync());
        var r = await chain.CallAsync(Address, TestAbi.Call("isOdd", ("uint256", new BigInteger(3))));
        Assert.True(TestAbi.Decode<bool>(r.EnsureSuccess(), "bool"));
    }

    [Fact]
    public async Task OversizedCodeFailsDeploymentClearly()
    {
        // Init code PUSH2 0x6001 PUSH0 RETURN returns 24,577 zero bytes: one over the EIP-170 limit.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => probe.Chain.DeployAsync([0x61, 0x60, 0x01, 0x5f, 0xf3]));
        Assert.Contains("deployment failed", e.Message);
        // ... while 24,576 bytes deploy.
        var ok = await probe.Chain.DeployAsync([0x61, 0x60, 0x00, 0x5f, 0xf3]);
        Assert.Equal(24_576, ok.DeployedSize);
    }

    [Fact]
    public void RevertReasonsDecode()
    {
        // Error(string) "hi", Panic(0x12), an unknown custom error, nothing, and a truncated Error(string).
        byte[] error = EvmHex.Decode("0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
            + "0000000000000000000000000000000000000000000000000000000000000002" + "6869000000000000000000000000000000000000000000000000000000000000");
        Assert.Equal("hi", RevertReason.Decode(error));
        Assert.Equal("Panic(0x12)", RevertReason.Decode(EvmHex.Decode("0x4e487b71" + new string('0', 62) + "12")));
        Assert.Equal("custom error 0xdeadbeef", RevertReason.Decode(EvmHex.Decode("0xdeadbeef")));
        Assert.Null(RevertReason.Decode([]));
        Assert.StartsWith("custom error 0x08c379a0", RevertReason.Decode(error.AsSpan(0, 40)));
    }

    [Theory]
    [InlineData(0UL, 50_000UL)]
    [InlineData(100_000UL, 175_000UL)]
    [InlineData(20_000_000UL, EvmChain.TransactionGasCap)]
    public void GasMargin(ulong estimate, ulong expected) => Assert.Equal(expected, EvmChain.GasLimitWithMargin(estimate, 30_000_000));

    [Fact]
    public void GasMarginRespectsTheBlockLimit() => Assert.Equal(1_000_000UL, EvmChain.GasLimitWithMargin(900_000, 1_000_000));

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }
}
