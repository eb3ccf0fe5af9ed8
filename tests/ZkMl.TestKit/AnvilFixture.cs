using Xunit;
using ZkMl.Evm.Chain;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using ZkMl.Evm;

namespace ZkMl.TestKit;

/// <summary>
/// Starts one local anvil node (project-local binary, 127.0.0.1, free port) for a test class or
/// collection, and kills it afterwards.
/// <para>
/// Use it per class with <c>IClassFixture&lt;AnvilFixture&gt;</c>, or share one node across
/// several classes with a collection. xunit v2 only honours a <c>[CollectionDefinition]</c>
/// declared in the test assembly itself, so a definition here in TestKit would be ignored:
/// declare this tiny class in your own test project instead and mark the test classes
/// <c>[Collection(AnvilCollection.Name)]</c>:
/// </para>
/// <code>
/// [CollectionDefinition(AnvilCollection.Name)]
/// public class AnvilCollection : ICollectionFixture&lt;AnvilFixture&gt; { public const string Name = "anvil"; }
/// </code>
/// If anvil is not installed the fixture fails with a message telling you to run scripts/setup.sh.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    private AnvilNode? _node;

    /// <summary>The running node.</summary>
    public AnvilNode Node => _node ?? throw new InvalidOperationException("AnvilFixture is not initialised");

    /// <summary>A Nethereum client for the node (its dev accounts are unlocked).</summary>
    public Web3 Web3 => Node.Web3;

    /// <summary>The node's JSON-RPC endpoint.</summary>
    public Uri RpcUrl => Node.RpcUrl;

    /// <summary><c>eth_call</c> to <paramref name="toAddressHex"/>; EVM failures give Success = false.</summary>
    public Task<EthCallResult> CallAsync(string toAddressHex, byte[] data, ulong? gas = null) =>
        EvmChain.CallAsync(Web3, new CallInput
        {
            To = EvmHex.NormalizeAddress(toAddressHex),
            Data = EvmHex.Encode(data),
            Gas = gas is ulong g ? new Nethereum.Hex.HexTypes.HexBigInteger(g) : null,
        });

    /// <summary><c>web3_sha3</c>: the node's Keccak-256 of <paramref name="data"/> (an implementation nobody here wrote).</summary>
    public async Task<byte[]> Web3Sha3Async(byte[] data) =>
        EvmHex.Decode(await Web3.Client.SendRequestAsync<string>("web3_sha3", null, EvmHex.Encode(data)).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        _node = await AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = RepoPaths.Root }).ConfigureAwait(false);

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _node?.Dispose();
        return Task.CompletedTask;
    }
}
