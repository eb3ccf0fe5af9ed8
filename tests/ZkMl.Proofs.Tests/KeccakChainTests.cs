using ZkMl.Proofs.Hashing;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>Differential test against the chain's keccak256 (anvil's <c>web3_sha3</c>), an implementation nobody here wrote.</summary>
public class KeccakChainTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    [Fact]
    public async Task MatchesChainOnRandomInputs()
    {
        var rng = new Random(424242);
        for (int i = 0; i < 100; i++)
        {
            var data = new byte[i < 3 ? i * 136 : rng.Next(0, 601)];
            rng.NextBytes(data);
            var chain = await anvil.Web3Sha3Async(data);
            Assert.Equal(Convert.ToHexString(chain), Convert.ToHexString(Keccak256.Hash(data)));
        }
    }
}
