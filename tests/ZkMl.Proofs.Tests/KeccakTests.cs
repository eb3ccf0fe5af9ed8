using System.Text;
using ZkMl.Proofs.Hashing;

namespace ZkMl.Proofs.Tests;

public class KeccakTests
{
    // Inputs of the multi-block vectors: byte i = (7i + 3) mod 256. Expected digests were computed by an
    // independent implementation (anvil's web3_sha3 JSON-RPC method).
    internal static byte[] Pattern(int n)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte)(i * 7 + 3);
        return b;
    }

    public static TheoryData<int, string> PatternVectors => new()
    {
        { 135, "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f" },
        { 136, "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed" },
        { 137, "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a" },
        { 200, "66d2cdf3ab4c5bd3c75add9b60b14ac5b7789534fa2da3f348853b847359a3a0" },
        { 272, "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5" },
    };

    [Fact]
    public void EmptyInput() =>
        Assert.Equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Convert.ToHexStringLower(Keccak256.Hash([])));

    [Fact]
    public void Abc() =>
        Assert.Equal("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", Convert.ToHexStringLower(Keccak256.Hash("abc"u8)));

    [Fact]
    public void TransferSelector() =>
        Assert.Equal("a9059cbb", Convert.ToHexStringLower(Keccak256.Hash(Encoding.ASCII.GetBytes("transfer(address,uint256)")).AsSpan(0, 4)));

    [Theory]
    [MemberData(nameof(PatternVectors))]
    public void MultiBlockVectors(int length, string expected)
    {
        var data = Pattern(length);
        Assert.Equal(expected, Convert.ToHexStringLower(Keccak256.Hash(data)));
        Span<byte> dest = stackalloc byte[40];
        Keccak256.Hash(data, dest);
        Assert.Equal(expected, Convert.ToHexStringLower(dest[..32]));
    }

    [Fact]
    public void IncrementalMatchesOneShotForEverySplit()
    {
        var rng = new Random(20261122);
        var h = new Keccak256();
        foreach (int n in new[] { 0, 1, 31, 135, 136, 137, 271, 272, 273, 600 })
        {
            var data = new byte[n];
            rng.NextBytes(data);
            var expected = Keccak256.Hash(data);
            for (int trial = 0; trial < 20; trial++)
            {
                int pos = 0;
                while (pos < n)
                {
                    int take = Math.Min(n - pos, rng.Next(0, 150));
                    h.Update(data.AsSpan(pos, take));
                    pos += take;
                }
                Assert.Equal(expected, h.Finish());
            }
        }
    }

    [Fact]
    public void DestinationTooShortThrows() =>
        Assert.Throws<ArgumentException>(() => Keccak256.Hash([1, 2], new byte[31]));
}
