using System.Diagnostics;
using System.Security.Cryptography;
using ZkMl.Evm;
using ZkMl.Evm.Chain;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests;

public class AnvilNodeTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private const string Sha256Precompile = "0x0000000000000000000000000000000000000002";
    private const string IdentityPrecompile = "0x0000000000000000000000000000000000000004";
    private const string EcAddPrecompile = "0x0000000000000000000000000000000000000006";

    [Fact]
    public async Task AnswersChainId()
    {
        Assert.Equal(31337, (int)(await anvil.Web3.Eth.ChainId.SendRequestAsync()).Value);
        Assert.Equal("127.0.0.1", anvil.RpcUrl.Host);
    }

    [Fact]
    public async Task Sha256PrecompileMatchesDotNet()
    {
        var data = new byte[77];
        new Random(7).NextBytes(data);
        var r = await anvil.CallAsync(Sha256Precompile, data);
        Assert.True(r.Success, r.Error);
        Assert.Null(r.Error);
        Assert.Equal(SHA256.HashData(data), r.ReturnData);
    }

    [Fact]
    public async Task IdentityPrecompileEchoes()
    {
        byte[] data = [1, 2, 3, 0, 255];
        var r = await anvil.CallAsync(IdentityPrecompile, data);
        Assert.True(r.Success);
        Assert.Equal(data, r.EnsureSuccess());
    }

    [Fact]
    public async Task FailingPrecompileGivesFailureNotException()
    {
        // (1, 1) is not on y^2 = x^3 + 3, so ecAdd fails.
        var data = new byte[128];
        data[31] = 1;
        data[63] = 1;
        var r = await anvil.CallAsync(EcAddPrecompile, data);
        Assert.False(r.Success);
        Assert.False(string.IsNullOrEmpty(r.Error));
        Assert.Throws<InvalidOperationException>(() => r.EnsureSuccess());
    }

    [Fact]
    public async Task TooLittleGasGivesFailure()
    {
        var r = await anvil.CallAsync(Sha256Precompile, new byte[64], gas: 21_010);
        Assert.False(r.Success);
        Assert.NotNull(r.Error);
    }

    [Fact]
    public async Task Web3Sha3IsKeccak()
    {
        // Keccak-256 of the empty string.
        Assert.Equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
            EvmHex.Encode(await anvil.Web3Sha3Async(Array.Empty<byte>())));
    }

    [Fact]
    public async Task DevAccountsAreFunded()
    {
        var accounts = await anvil.Web3.Eth.Accounts.SendRequestAsync();
        Assert.Equal(10, accounts.Length);
        Assert.True((await anvil.Web3.Eth.GetBalance.SendRequestAsync(accounts[0])).Value > 0);
        var block = await anvil.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest());
        Assert.Equal(30_000_000, (long)block.GasLimit.Value);
    }
}

public class AnvilLifecycleTests
{
    [Fact]
    public async Task DisposeKillsTheProcess()
    {
        var node = await AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = RepoPaths.Root, ChainId = 4242 });
        int pid = node.ProcessId;
        var url = node.RpcUrl;
        Assert.Equal(4242, (int)(await node.Web3.Eth.ChainId.SendRequestAsync()).Value);
        Assert.False(node.HasExited);
        Assert.True(IsRunning(pid));

        node.Dispose();
        node.Dispose(); // idempotent
        Assert.True(node.HasExited);
        Assert.False(IsRunning(pid));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var client = EvmChain.CreateWeb3(url, null, http);
        await Assert.ThrowsAsync<Nethereum.JsonRpc.Client.RpcClientUnknownException>(() => client.Eth.ChainId.SendRequestAsync());
    }

    [Fact]
    public async Task TwoNodesGetDifferentPorts()
    {
        await using var a = await AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = RepoPaths.Root });
        await using var b = await AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = RepoPaths.Root });
        Assert.NotEqual(a.Port, b.Port);
        Assert.Equal((await a.Web3.Eth.ChainId.SendRequestAsync()).Value, (await b.Web3.Eth.ChainId.SendRequestAsync()).Value);
    }

    [Fact]
    public async Task MissingBinaryGivesSetupHint()
    {
        var empty = Directory.CreateTempSubdirectory("zkml-noanvil-");
        try
        {
            var e = await Assert.ThrowsAsync<FileNotFoundException>(() => AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = empty.FullName }));
            Assert.Contains("scripts/setup.sh", e.Message);
            Assert.Contains("anvil", e.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AnvilThatExitsAtOnceGivesItsOutput()
    {
        // An unknown flag makes anvil exit with a usage error before it listens.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => AnvilNode.StartAsync(
            new AnvilOptions { RepositoryRoot = RepoPaths.Root, ExtraArguments = ["--no-such-flag"] }));
        Assert.Contains("exited", e.Message);
        Assert.Contains("no-such-flag", e.Message);
    }

    [Fact]
    public async Task WatchdogKillsTheChildWhenTheOwnerDies()
    {
        if (OperatingSystem.IsWindows()) return;
        using var owner = Process.Start("sleep", "60");
        using var child = Process.Start("sleep", "60");
        using var watchdog = AnvilNode.StartWatchdog(owner.Id, child.Id);
        Assert.NotNull(watchdog);
        await Task.Delay(300);
        Assert.False(child.HasExited);
        owner.Kill();
        owner.WaitForExit();
        Assert.True(child.WaitForExit(10_000), "the watchdog should kill the child within about a second");
        Assert.True(watchdog!.WaitForExit(5_000));
    }

    [Fact]
    public async Task WatchdogLeavesTheChildAloneWhileTheOwnerLives()
    {
        if (OperatingSystem.IsWindows()) return;
        using var owner = Process.Start("sleep", "60");
        using var child = Process.Start("sleep", "60");
        using var watchdog = AnvilNode.StartWatchdog(owner.Id, child.Id);
        await Task.Delay(1_500);
        Assert.False(child.HasExited);
        child.Kill();
        child.WaitForExit();
        Assert.True(watchdog!.WaitForExit(5_000), "the watchdog should stop once the child is gone");
        Assert.False(owner.HasExited);
        owner.Kill();
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
