using System.Numerics;
using ZkMl.Evm.Abi;
using ZkMl.Evm.Verifier;
using ZkMl.Proofs.Inference;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// The verifyProof calldata Nethereum encodes (<see cref="VerifierCalldata"/> through <see cref="VerifyProofFunction"/>)
/// against the hand-written ABI encoder it replaces, on proofs of the example circuits: byte for byte the same.
/// </summary>
public class VerifierCalldataTests
{
    public static TheoryData<string, int> Cases => new() { { "tiny", 1 }, { "tiny", 3 }, { "mnist-mlp", 1 }, { "mnist-mlp", 5 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NethereumCalldataEqualsTheHandWrittenEncoder(string example, int batch)
    {
        var e = example == "tiny" ? ExampleCircuits.Tiny : ExampleCircuits.Mnist;
        var proof = InferenceProver.Prove(e.Pk, e.Samples.Take(batch).ToArray());
        var pi = proof.PublicInputs.ToArray();
        var words = Enumerable.Range(0, pi.Length / 32).Select(i => new BigInteger(pi.AsSpan(32 * i, 32), isUnsigned: true, isBigEndian: true));
        var handWritten = AbiEncoder.EncodeCall(AbiEncoder.Selector(VerifierCalldata.Signature), AbiValue.Bytes(proof.ProofBytes), AbiValue.Uint256Array(words));

        var nethereum = VerifierCalldata.Encode(proof);

        Assert.Equal(Convert.ToHexString(handWritten), Convert.ToHexString(nethereum));
        Assert.Equal(AbiEncoder.Selector(VerifierCalldata.Signature), VerifierCalldata.Selector);
    }
}
