using Xunit;
using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>Test helpers for verifiers in two contracts (docs/protocol.md "On-chain verifier") and their single-contract twins.</summary>
internal static class SplitVerifierProbe
{
    private static readonly byte[] FirstPartSelector =
        new Nethereum.Util.Sha3Keccack().CalculateHash(System.Text.Encoding.ASCII.GetBytes("verifyFirstPart(bytes,uint256[])"))[..4];

    /// <summary>
    /// True when NAMEFirstPart of <paramref name="v"/>, called directly with <paramref name="calldata"/> (a verifyProof call) under its own
    /// selector, rejects: one zero word. A revert of the first part fails the test.
    /// </summary>
    public static async Task<bool> FirstPartRejectsAsync(EvmChain chain, OnChainVerifier v, byte[] calldata)
    {
        var direct = (byte[])calldata.Clone();
        FirstPartSelector.CopyTo(direct, 0);
        var r = await chain.CallAsync(v.FirstPartAddress!, direct);
        Assert.True(r.Success, $"the first part reverted: {r.Error}");
        return r.ReturnData.Length == 32 && r.ReturnData.AsSpan().IndexOfAnyExcept((byte)0) < 0;
    }

    /// <summary>
    /// A contract without constructor (a single-contract verifier) placed at <paramref name="address"/> with anvil_setCode: EIP-170 limits
    /// deployments only, so a verifier over the limit can be called, and its gas measured, on a node that enforces it.
    /// </summary>
    public static async Task<OnChainVerifier> PlaceAsync(EvmChain chain, CompiledContract contract, string address)
    {
        await chain.Web3.Client.SendRequestAsync<object>("anvil_setCode", null, address, EvmHex.Encode(contract.DeployedBytecode));
        return OnChainVerifier.At(chain, address);
    }
}
