using System.Numerics;
using System.Security.Cryptography;
using ZkMl.Evm.Abi;
using ZkMl.Evm.Chain;
using ZkMl.Proofs.Hashing;

namespace ZkMl.Evm.Tests;

[Collection(ProbeCollection.Name)]
public class EvmChainTests(ProbeFixture probe)
{
    private string Address => probe.Deployment.Address;

    private async Task<byte[]> ViewAsync(string function, params AbiValue[] args)
    {
        var r = await probe.Chain.CallAsync(Address, AbiEncoder.EncodeCall(function, args));
        Assert.True(r.Success, r.Error);
        return r.ReturnData;
    }

    [Fact]
    public async Task DeploymentStoredTheRuntimeCode()
    {
        var code = await probe.Anvil.Rpc.GetCodeAsync(Address);
        Assert.Equal(probe.Contract.DeployedSize, code.Length);
        Assert.Equal(code.Length, probe.Deployment.DeployedSize);
        Assert.True(probe.Deployment.GasUsed > 53_000);
        Assert.True(probe.Contract.DeployedSize < 24_576);
        Assert.Equal(ProbeFixture.Offset, AbiDecoder.DecodeInt256(await ViewAsync("offset")));
    }

    [Fact]
    public async Task ViewWithBytesAndUint256Array()
    {
        var data = new byte[70];
        new Random(3).NextBytes(data);
        BigInteger[] xs = [1, 2, (BigInteger.One << 200) + 5];
        var ret = AbiDecoder.Decode(await ViewAsync("digest", AbiValue.Bytes(data), AbiValue.Uint256Array(xs)), "bytes32", "uint256", "uint256");
        Assert.Equal(Keccak256.Hash(data), ret[0].AsBytes());
        Assert.Equal(xs.Aggregate(BigInteger.Add), ret[1].AsInteger());
        Assert.Equal(70, ret[2].AsInteger());
    }

    [Fact]
    public async Task SignedArraysAndBools()
    {
        Assert.Equal(ProbeFixture.Offset - 100 + 3, AbiDecoder.DecodeInt256(await ViewAsync("sumSigned", AbiValue.Int256Array([-100, 3]))));
        Assert.True(AbiDecoder.DecodeBool(await ViewAsync("isOdd", AbiValue.Uint256(7))));
        Assert.False(AbiDecoder.DecodeBool(await ViewAsync("isOdd", AbiValue.Uint256(8))));
        Assert.Equal([9, 8, 7], AbiDecoder.DecodeBytes(await ViewAsync("echo", AbiValue.Bytes([9, 8, 7]))));
        Assert.Empty(AbiDecoder.DecodeBytes(await ViewAsync("echo", AbiValue.Bytes([]))));
    }

    [Fact]
    public async Task SolidityReencodesOurEncodingIdentically()
    {
        // Solidity decodes our calldata and abi.encode()s the values again: both encoders must agree byte for byte.
        var rng = new Random(11);
        for (int i = 0; i < 5; i++)
        {
            var b32 = new byte[32];
            rng.NextBytes(b32);
            AbiValue[] statics =
            [
                AbiValue.Uint256(new BigInteger(RandomBytes(rng, 32), isUnsigned: true)),
                AbiValue.Int256(-new BigInteger(RandomBytes(rng, 31), isUnsigned: true)),
                AbiValue.Address(Convert.ToHexString(RandomBytes(rng, 20))),
                AbiValue.Bool(i % 2 == 0),
                AbiValue.Bytes32(b32),
            ];
            Assert.Equal(AbiEncoder.EncodeArguments(statics), AbiDecoder.DecodeBytes(await ViewAsync("echoStatic", statics)));

            AbiValue[] dynamics =
            [
                AbiValue.Bytes(RandomBytes(rng, rng.Next(0, 80))),
                AbiValue.Uint256Array(Enumerable.Range(0, rng.Next(0, 5)).Select(_ => new BigInteger(RandomBytes(rng, 32), isUnsigned: true))),
                AbiValue.Int256Array(Enumerable.Range(0, rng.Next(0, 5)).Select(_ => new BigInteger(RandomBytes(rng, 16)))),
            ];
            Assert.Equal(AbiEncoder.EncodeArguments(dynamics), AbiDecoder.DecodeBytes(await ViewAsync("echoDynamic", dynamics)));
        }
        AbiValue[] nested =
        [
            AbiValue.Array(AbiType.Parse("uint256[]"), [AbiValue.Uint256Array([1, 2]), AbiValue.Uint256Array([3])]),
            AbiValue.Array(AbiType.String, [AbiValue.String("one"), AbiValue.String("two"), AbiValue.String("three")]),
        ];
        Assert.Equal(AbiEncoder.EncodeArguments(nested), AbiDecoder.DecodeBytes(await ViewAsync("echoNested", nested)));
    }

    [Fact]
    public async Task SelectorsMatchSolc()
    {
        foreach (var (signature, selector) in probe.Contract.MethodIdentifiers)
            Assert.Equal(selector, Convert.ToHexStringLower(AbiEncoder.Selector(signature)));
        Assert.Contains("digest(bytes,uint256[])", probe.Contract.MethodIdentifiers.Keys);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task PrecompileCallThroughContract()
    {
        var d = RandomBytes(new Random(5), 100);
        Assert.Equal(SHA256.HashData(d), (await ViewAsync("sha", AbiValue.Bytes(d))));
    }

    [Fact]
    public async Task TransactionChangesStateAndReportsGas()
    {
        var before = AbiDecoder.DecodeUint256(await ViewAsync("counter"));
        var tx = await probe.Chain.SendAsync(Address, AbiEncoder.EncodeCall("store", AbiValue.Uint256(5)));
        Assert.True(tx.Success, tx.Error);
        Assert.Null(tx.Error);
        Assert.True(tx.GasUsed > 21_000);
        Assert.NotNull(tx.GasEstimate);
        Assert.Equal(EvmChain.GasLimitWithMargin(tx.GasEstimate!.Value, 30_000_000), tx.GasLimit);
        Assert.True(tx.GasUsed <= tx.GasLimit);
        Assert.Equal(before + 5, AbiDecoder.DecodeUint256(await ViewAsync("counter")));
        var receipt = await probe.Anvil.Rpc.GetTransactionReceiptAsync(tx.TransactionHash);
        Assert.NotNull(receipt);
        Assert.Equal(tx.GasUsed, receipt!.GasUsed);
        Assert.True(receipt.Success);
    }

    [Fact]
    public async Task RevertGivesStatusZeroWithReason()
    {
        var call = await probe.Chain.CallAsync(Address, AbiEncoder.EncodeCall("store", AbiValue.Uint256(0)));
        Assert.False(call.Success);
        Assert.Equal("zero not allowed", AbiDecoder.DecodeRevertReason(call.ReturnData));

        var tx = await probe.Chain.SendAsync(Address, AbiEncoder.EncodeCall("store", AbiValue.Uint256(0)));
        Assert.False(tx.Success);
        Assert.Null(tx.GasEstimate);
        Assert.Contains("zero not allowed", tx.Error);
        Assert.True(tx.GasUsed > 21_000 && tx.GasUsed < 100_000, $"a REVERT refunds unused gas; used {tx.GasUsed}");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            probe.Chain.SendAsync(Address, AbiEncoder.EncodeCall("store", AbiValue.Uint256(0)), throwOnFailure: true));
        Assert.Contains("zero not allowed", e.Message);
    }

    [Fact]
    public async Task TooLittleGasRevertsTheTransaction()
    {
        var data = AbiEncoder.EncodeCall("burn", AbiValue.Uint256(200));
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
        Assert.Equal("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", await chain.SenderAsync());
        var r = await chain.CallAsync(Address, AbiEncoder.EncodeCall("isOdd", AbiValue.Uint256(3)));
        Assert.True(AbiDecoder.DecodeBool(r.EnsureSuccess()));
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
