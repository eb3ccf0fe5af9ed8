using CsCheck;
using System.Buffers.Binary;
using Nethereum.Contracts;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// The verifyProof calldata Nethereum encodes (<see cref="VerifierCalldata"/> through <see cref="VerifyProofFunction"/>)
/// on proofs of the example circuits, against the Solidity ABI layout written out by hand here:
/// selector ‖ offset(proof) ‖ offset(publicInputs) ‖ len ‖ proof ‖ zero padding ‖ n ‖ words.
/// (Before the hand-written encoder went, a test showed Nethereum's bytes identical to it on these proofs.)
/// </summary>
public class VerifierCalldataTests
{
    /// <summary>keccak256("verifyProof(bytes,uint256[])")[0..4], as solc and js-sha3 compute it.</summary>
    private const string SelectorHex = "1e8e1e13";

    public static TheoryData<string, int> Cases => new() { { "tiny", 1 }, { "tiny", 3 }, { "mnist-mlp", 1 }, { "mnist-mlp", 5 } };

    private static byte[] Word(long v)
    {
        var w = new byte[32];
        BinaryPrimitives.WriteInt64BigEndian(w.AsSpan(24), v);
        return w;
    }

    private static byte[] Expected(byte[] proof, byte[] words)
    {
        int padded = (proof.Length + 31) / 32 * 32;
        return
        [
            .. Convert.FromHexString(SelectorHex),
            .. Word(0x40), .. Word(0x40 + 32 + padded),
            .. Word(proof.Length), .. proof, .. new byte[padded - proof.Length],
            .. Word(words.Length / 32), .. words,
        ];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NethereumCalldataHasTheSolidityLayout(string example, int batch)
    {
        var e = example == "tiny" ? ExampleCircuits.Tiny : ExampleCircuits.Mnist;
        var proof = InferenceProver.Prove(e.Pk, e.Samples.Take(batch).ToArray());
        var calldata = VerifierCalldata.Encode(proof);
        Assert.Equal(Convert.ToHexString(Expected(proof.ProofBytes.ToArray(), proof.PublicInputs.ToArray())), Convert.ToHexString(calldata));
        Assert.Equal(calldata, VerifierCalldata.Encode(proof.ProofBytes, proof.PublicInputs));

        // Nethereum decodes its own calldata back to the same message.
        var decoded = new VerifyProofFunction().DecodeInput(EvmHex.Encode(calldata));
        Assert.Equal(proof.ProofBytes.ToArray(), decoded.Proof);
        Assert.Equal(VerifyProofFunction.Words(proof.PublicInputs), decoded.PublicInputs);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(31, 2)]
    [InlineData(32, 3)]
    [InlineData(33, 0)]
    public void PaddingOfShortProofs(int proofLength, int wordCount)
    {
        var rng = new Random(proofLength * 7 + wordCount);
        var proof = new byte[proofLength];
        var words = new byte[32 * wordCount];
        rng.NextBytes(proof);
        rng.NextBytes(words);
        Assert.Equal(Expected(proof, words), VerifierCalldata.Encode(proof, words));
    }

    [Fact]
    public void SelectorAndSignature()
    {
        Assert.Equal(SelectorHex, Convert.ToHexStringLower(VerifierCalldata.Selector));
        Assert.Equal("verifyProof(bytes,uint256[])", VerifierCalldata.Signature);
    }

    [Fact]
    public void PublicInputsMustBeWholeWords()
    {
        var ex = Assert.Throws<ArgumentException>(() => VerifierCalldata.Encode([1, 2, 3], new byte[33]));
        Assert.Contains("32-byte words; got 33 bytes", ex.Message);
    }

    [Fact]
    public void DecodeInvertsEncodeOnAnyProofAndWords() => ZkMl.TestKit.Props.Check(
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Byte.Array[32].Array[0, 12]),
        t =>
        {
            byte[] words = [.. t.Item2.SelectMany(w => w)];
            var calldata = VerifierCalldata.Encode(t.Item1, words);
            var (proof, decodedWords) = VerifierCalldata.Decode(calldata);
            Assert.Equal(t.Item1, proof);
            Assert.Equal(words, decodedWords);
        }, seed: 0xCA11DA7A, iter: 300);

    [Fact]
    public void DecodeOfTheExampleProofs()
    {
        var proof = InferenceProver.Prove(ExampleCircuits.Tiny.Pk, ExampleCircuits.Tiny.Samples.Take(3).ToArray());
        var (p, w) = VerifierCalldata.Decode(VerifierCalldata.Encode(proof));
        Assert.True(InferenceVerifier.Verify(ExampleCircuits.Tiny.Vk, w, p).IsValid);
    }

    [Theory]
    [InlineData("selector", "expected the selector 0x1e8e1e13")]
    [InlineData("short", "expected at least 128 and a multiple of 32")]
    [InlineData("proof-offset", "the offset of proof (word 0) must be 0x40")]
    [InlineData("proof-length", "proof length 2^31 or more is past the end of the data")]
    [InlineData("inputs-offset", "the offset of publicInputs (word 1) must be 0x80 for a 5-byte proof")]
    [InlineData("count", "3 public input words do not fill the 64 bytes after their length")]
    [InlineData("trailing", "public input words do not fill")]
    [InlineData("padding", "not the canonical encoding (non-zero padding after the proof bytes)")]
    public void DecodeRefusesNonCanonicalCalldata(string edit, string message)
    {
        byte[] c = VerifierCalldata.Encode([1, 2, 3, 4, 5], new byte[64]);   // selector | 0x40 | 0x80 | 5 | proof+pad | 2 | w0 | w1
        switch (edit)
        {
            case "selector": c[0] ^= 1; break;
            case "short": c = c[..100]; break;
            case "proof-offset": c[4 + 31] = 0x60; break;
            case "proof-length": c[4 + 64] = 0xff; break;
            case "inputs-offset": c[4 + 63] = 0xa0; break;
            case "count": c[4 + 128 + 31] = 3; break;
            case "trailing": c = [.. c, .. new byte[32]]; break;
            case "padding": c[4 + 96 + 6] = 1; break;
        }
        var e = Assert.Throws<FormatException>(() => VerifierCalldata.Decode(c));
        Assert.Contains(message, e.Message);
    }
}
