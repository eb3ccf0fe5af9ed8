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
}
