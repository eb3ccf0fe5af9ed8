using System.Numerics;
using System.Security.Cryptography;
using ZkMl.Evm.Abi;
using ZkMl.Evm.Chain;
using ZkMl.Evm.Rpc;
using ZkMl.Evm.Signing;

namespace ZkMl.Evm.Tests;

public class SigningUnitTests
{
    private const string DevKey0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    [Theory]
    [InlineData(DevKey0, "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")]
    [InlineData("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8")]
    public void AddressesOfAnvilDevKeys(string key, string address) => Assert.Equal(address, EthereumKey.FromPrivateKey(key).Address);

    [Fact]
    public void Rfc6979Vector()
    {
        // Private key 1, SHA-256("Satoshi Nakamoto"): the widely published deterministic secp256k1 vector (low-s form).
        var key = EthereumKey.FromPrivateKey("0x" + new string('0', 63) + "1");
        var sig = key.SignHash(SHA256.HashData("Satoshi Nakamoto"u8));
        Assert.Equal("934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8", Convert.ToHexStringLower(sig[..32]));
        Assert.Equal("2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5", Convert.ToHexStringLower(sig[32..64]));
    }

    [Fact]
    public void SignaturesVerifyWithOpenSsl()
    {
        var rng = new Random(99);
        for (int i = 0; i < 8; i++)
        {
            var d = new byte[32];
            rng.NextBytes(d);
            d[0] &= 0x7f;
            var key = EthereumKey.FromPrivateKey(Convert.ToHexString(d));
            var hash = new byte[32];
            rng.NextBytes(hash);
            var sig = key.SignHash(hash);
            Assert.Equal(65, sig.Length);
            Assert.True(new BigInteger(sig.AsSpan(32, 32), isUnsigned: true, isBigEndian: true) <= Secp256k1.N / 2, "low s (EIP-2)");
            Assert.True(EthereumKey.VerifyHashSignature(hash, sig, key.PublicKey));

            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.CreateFromFriendlyName("secp256k1"),
                Q = new ECPoint { X = key.PublicKey[..32], Y = key.PublicKey[32..] },
            });
            Assert.True(ecdsa.VerifyHash(hash, sig.AsSpan(0, 64)));

            // Negative: another hash, a flipped recovery bit, a flipped signature bit.
            var other = (byte[])hash.Clone();
            other[5] ^= 1;
            Assert.False(ecdsa.VerifyHash(other, sig.AsSpan(0, 64)));
            Assert.False(EthereumKey.VerifyHashSignature(other, sig, key.PublicKey));
            var flippedV = (byte[])sig.Clone();
            flippedV[64] ^= 1;
            Assert.False(EthereumKey.VerifyHashSignature(hash, flippedV, key.PublicKey));
            var flippedS = (byte[])sig.Clone();
            flippedS[40] ^= 0x10;
            Assert.False(EthereumKey.VerifyHashSignature(hash, flippedS, key.PublicKey));
        }
    }

    [Theory]
    [InlineData("0x00")]
    [InlineData("0x1234")]
    [InlineData("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("xyz")]
    public void RejectsBadPrivateKeys(string key) => Assert.Throws<FormatException>(() => EthereumKey.FromPrivateKey(key));

    [Fact]
    public void RlpVectors()
    {
        Assert.Equal("83646f67", Convert.ToHexStringLower(Rlp.String("dog"u8)));
        Assert.Equal("c88363617483646f67", Convert.ToHexStringLower(Rlp.List(Rlp.String("cat"u8), Rlp.String("dog"u8))));
        Assert.Equal("80", Convert.ToHexStringLower(Rlp.String([])));
        Assert.Equal("c0", Convert.ToHexStringLower(Rlp.List()));
        Assert.Equal("80", Convert.ToHexStringLower(Rlp.Integer(0)));
        Assert.Equal("0f", Convert.ToHexStringLower(Rlp.Integer(15)));
        Assert.Equal("820400", Convert.ToHexStringLower(Rlp.Integer(1024)));
        Assert.Equal("00", Convert.ToHexStringLower(Rlp.String([0])));
        var lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit"u8;
        Assert.Equal("b838" + Convert.ToHexStringLower(lorem), Convert.ToHexStringLower(Rlp.String(lorem)));
        // [ [], [[]], [ [], [[]] ] ]
        Assert.Equal("c7c0c1c0c3c0c1c0", Convert.ToHexStringLower(Rlp.List(Rlp.List(), Rlp.List(Rlp.List()), Rlp.List(Rlp.List(), Rlp.List(Rlp.List())))));
    }
}

[Collection(ProbeCollection.Name)]
public class SignedTransactionTests(ProbeFixture probe)
{
    [Fact]
    public async Task AnvilAcceptsLocallySignedTransactions()
    {
        // A fresh key (fixed seed) funded by a dev account, then used only through eth_sendRawTransaction.
        var d = new byte[32];
        new Random(4242).NextBytes(d);
        d[0] = 0x11;
        var key = EthereumKey.FromPrivateKey(Convert.ToHexString(d));
        var fund = await probe.Chain.Rpc.SendTransactionAsync(new TransactionRequest
        {
            From = (await probe.Chain.Rpc.AccountsAsync())[2],
            To = key.Address,
            Value = BigInteger.Pow(10, 18),
        });
        Assert.True((await probe.Chain.Rpc.WaitForReceiptAsync(fund)).Success);

        using var chain = new EvmChain(probe.Chain.Rpc, key);
        Assert.Equal(key.Address, await chain.SenderAsync());
        var deployed = await chain.DeployAsync(probe.Contract, AbiValue.Int256(5));
        Assert.Equal(probe.Contract.DeployedSize, deployed.DeployedSize);
        var tx = await chain.SendAsync(deployed.Address, AbiEncoder.EncodeCall("store", AbiValue.Uint256(9)), throwOnFailure: true);
        Assert.True(tx.GasUsed > 21_000);
        Assert.Equal(9, AbiDecoder.DecodeUint256((await chain.CallAsync(deployed.Address, AbiEncoder.EncodeCall("counter"))).EnsureSuccess()));
        Assert.Equal(2UL, await probe.Chain.Rpc.TransactionCountAsync(key.Address));

        var reverted = await chain.SendAsync(deployed.Address, AbiEncoder.EncodeCall("store", AbiValue.Uint256(0)));
        Assert.False(reverted.Success);
        Assert.Contains("zero not allowed", reverted.Error);
    }

    [Fact]
    public async Task UnfundedKeyIsRefused()
    {
        var key = EthereumKey.FromPrivateKey("0x" + new string('7', 64));
        using var chain = new EvmChain(probe.Chain.Rpc, key);
        await Assert.ThrowsAsync<JsonRpcException>(() => chain.SendAsync(probe.Deployment.Address, AbiEncoder.EncodeCall("store", AbiValue.Uint256(1)), gasLimit: 100_000));
    }
}

public class Secp256k1Tests
{
    [Fact]
    public void JacobianMultiplyMatchesRepeatedAffineAddition()
    {
        var g = Secp256k1.G;
        var acc = Secp256k1.Point.AtInfinity;
        for (int k = 1; k <= 20; k++)
        {
            acc = Secp256k1.Add(acc, g);
            Assert.Equal(acc, Secp256k1.Multiply(g, k));
            Assert.True(Secp256k1.IsOnCurve(acc));
        }
        Assert.True(Secp256k1.Multiply(g, Secp256k1.N).Infinity);
        Assert.Equal(Secp256k1.Multiply(g, Secp256k1.N - 1), Secp256k1.Add(Secp256k1.Multiply(g, Secp256k1.N - 2), g));
        Assert.Equal(Secp256k1.Multiply(g, 7), Secp256k1.Multiply(Secp256k1.Multiply(g, 7), 1));
    }
}
