using System.Numerics;
using ZkMl.Evm.Chain;

namespace ZkMl.Evm.Tests;

public class EvmGasTests
{
    [Fact]
    public void CalldataPricing()
    {
        byte[] data = [0, 1, 0, 2, 0xff];
        Assert.Equal(4 + 16 + 4 + 16 + 16UL, EvmGas.CalldataGas(data));
        Assert.Equal(1 + 4 + 1 + 4 + 4UL, EvmGas.CalldataTokens(data));
        Assert.Equal(21_000 + 140UL, EvmGas.CalldataFloorGas(data));
        Assert.Equal(21_000 + 56UL, EvmGas.IntrinsicGas(data));
        Assert.Equal(21_000 + 56 + 32_000 + 2UL, EvmGas.IntrinsicGas(data, isCreate: true));
        Assert.Equal(0UL, EvmGas.CalldataGas([]));
    }

    [Theory]
    [InlineData("0x0000000000000000000000000000000000000008", "ecPairing")]
    [InlineData("0x0000000000000000000000000000000000000006", "ecAdd")]
    [InlineData("0x0000000000000000000000000000000000000007", "ecMul")]
    [InlineData("0x0000000000000000000000000000000000000002", "sha256")]
    [InlineData("0x0000000000000000000000000000000000000000", null)]
    [InlineData("0x0000000000000000000000000000000000000100", null)]
    [InlineData("0x1000000000000000000000000000000000000008", null)]
    [InlineData("not an address", null)]
    [InlineData(null, null)]
    public void PrecompileNames(string? address, string? name) => Assert.Equal(name, EvmGas.PrecompileName(address));
}

[Collection(ProbeCollection.Name)]
public class GasBreakdownTests(ProbeFixture probe)
{
    [Fact]
    public async Task PrecompileGasIsSeparated()
    {
        // The SSTORE makes execution outweigh the EIP-7623 calldata floor.
        var payload = new byte[100];
        new Random(9).NextBytes(payload);
        var data = TestAbi.Call("shaStore", ("bytes", payload));
        var tx = await probe.Chain.SendAsync(probe.Deployment.Address, data, throwOnFailure: true);
        var b = await probe.Chain.GasBreakdownAsync(tx.TransactionHash);
        Assert.Equal(tx.GasUsed, b.GasUsed);
        Assert.Equal(60 + 12 * 4UL, b.Precompiles["sha256"]); // SHA256 precompile: 60 + 12 per word
        Assert.Equal(1, b.PrecompileCalls["sha256"]);
        Assert.Equal(EvmGas.IntrinsicGas(data), b.Intrinsic);
        Assert.Equal(EvmGas.CalldataGas(data), b.Calldata);
        Assert.False(b.FloorApplied, $"gasUsed {b.GasUsed} intrinsic {b.Intrinsic} floor {EvmGas.CalldataFloorGas(data)} pre {b.PrecompileTotal}");
        Assert.True(b.Execution > 0);
        Assert.Equal((long)b.GasUsed, (long)b.Intrinsic + (long)b.PrecompileTotal + b.Execution);
    }

    [Fact]
    public async Task PlainDataTransferPaysTheCalldataFloor()
    {
        var accounts = await probe.Anvil.Web3.Eth.Accounts.SendRequestAsync();
        byte[] data = [0, 0, 0, 7, 8, 9, 0, 1];
        var tx = await probe.Chain.SendAsync(accounts[3], data, throwOnFailure: true);
        Assert.Equal(EvmGas.CalldataFloorGas(data), tx.GasUsed);
        var b = await probe.Chain.GasBreakdownAsync(tx.TransactionHash);
        Assert.True(b.FloorApplied);
        Assert.Empty(b.Precompiles);
    }

    [Fact]
    public async Task CreationIntrinsicGasIsExact()
    {
        // Init code STOP: no execution, empty runtime code; gasUsed is exactly the intrinsic creation cost.
        var d = await probe.Chain.DeployAsync([0x00]);
        Assert.Equal(EvmGas.IntrinsicGas([0x00], isCreate: true), d.GasUsed);
        Assert.Equal(0, d.DeployedSize);
        var b = await probe.Chain.GasBreakdownAsync(d.TransactionHash);
        Assert.Equal(0, b.Execution);
    }

    [Fact]
    public async Task TraceOfAViewCallShowsThePrecompileFrame()
    {
        var data = TestAbi.Call("sha", ("bytes", new byte[64]));
        var trace = await probe.Chain.TraceCallAsync(probe.Deployment.Address, data);
        Assert.Null(trace.Error);
        var frame = Assert.Single(EvmChain.Flatten(trace), f => EvmGas.PrecompileName(f.To) == "sha256");
        Assert.Equal("STATICCALL", frame.Type);
        Assert.Equal(new BigInteger(60 + 12 * 2), frame.GasUsed.Value);
        Assert.Equal(new byte[64], EvmHex.Decode(frame.Input));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(new byte[64]), EvmHex.Decode(frame.Output));
    }
}
