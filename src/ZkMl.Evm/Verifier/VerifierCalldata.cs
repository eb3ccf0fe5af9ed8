using Nethereum.Contracts;
using ZkMl.Inference;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// The calldata of <c>verifyProof(bytes proof, uint256[] publicInputs)</c> (standard Solidity ABI, encoded
/// by Nethereum through <see cref="VerifyProofFunction"/>), so any tool (cast, ethers, a wallet) can
/// submit a ZkMl proof to a generated verifier.
/// </summary>
public static class VerifierCalldata
{
    /// <summary>The function signature of the generated verifiers.</summary>
    public const string Signature = "verifyProof(bytes,uint256[])";

    /// <summary>The 4-byte selector of <see cref="Signature"/> (Keccak-256 of it, as Nethereum computes it).</summary>
    public static byte[] Selector => EvmHex.Decode(ABITypedRegistry.GetFunctionABI<VerifyProofFunction>().Sha3Signature);

    /// <summary>ABI calldata for <paramref name="proofBytes"/> and the packed public words (32 bytes each).</summary>
    /// <exception cref="ArgumentException">The public inputs are not a whole number of 32-byte words.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> proofBytes, ReadOnlySpan<byte> publicInputWords) =>
        new VerifyProofFunction { Proof = proofBytes.ToArray(), PublicInputs = VerifyProofFunction.Words(publicInputWords) }.GetCallData();

    /// <summary>ABI calldata for an inference proof (its proof bytes and public inputs).</summary>
    public static byte[] Encode(InferenceProof proof) => VerifyProofFunction.For(proof).GetCallData();

    /// <summary>
    /// The calldata as 0x-prefixed hex, plus the two arguments as a cast-friendly pair
    /// (<c>cast call ADDR "verifyProof(bytes,uint256[])" PROOF WORDS</c>).
    /// </summary>
    public static (string Calldata, string ProofHex, string PublicInputsArray) ToHex(InferenceProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var pi = proof.PublicInputs.ToArray();
        var words = Enumerable.Range(0, pi.Length / 32).Select(i => "0x" + Convert.ToHexStringLower(pi.AsSpan(32 * i, 32)));
        return (EvmHex.Encode(Encode(proof)), EvmHex.Encode(proof.ProofBytes), "[" + string.Join(",", words) + "]");
    }
}
