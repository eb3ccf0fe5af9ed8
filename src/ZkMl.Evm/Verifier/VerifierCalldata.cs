using System.Buffers.Binary;
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
    /// The proof bytes and packed public words of <c>verifyProof</c> calldata (as <see cref="Encode(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    /// writes it, e.g. a transaction's input read back from a node), for the C# verifier. Only the canonical
    /// encoding is accepted: the selector, head offsets 0x40 and 0x60 + the padded proof length, lengths within the
    /// data, zero padding, no trailing bytes. The layout is checked before Nethereum decodes the values, and
    /// Nethereum's re-encoding must give the same bytes.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not canonical verifyProof calldata (the message says where).</exception>
    public static (byte[] Proof, byte[] PublicInputWords) Decode(ReadOnlySpan<byte> calldata)
    {
        if (calldata.Length < 4 || !calldata[..4].SequenceEqual(Selector))
            throw new FormatException($"calldata: expected the selector 0x{Convert.ToHexStringLower(Selector)} of {Signature}");
        var data = calldata[4..];
        if (data.Length < 128 || data.Length % 32 != 0)
            throw new FormatException($"calldata: {data.Length} bytes after the selector; expected at least 128 and a multiple of 32");
        if (Word(data, 0) != 0x40) throw new FormatException("calldata: the offset of proof (word 0) must be 0x40");
        long proofLength = Word(data, 0x40);
        if (proofLength < 0 || proofLength > data.Length - 128) throw new FormatException($"calldata: proof length {Show(proofLength)} is past the end of the data");
        long inputsAt = 0x60 + (proofLength + 31) / 32 * 32;
        if (Word(data, 0x20) != inputsAt) throw new FormatException($"calldata: the offset of publicInputs (word 1) must be 0x{inputsAt:x} for a {proofLength}-byte proof");
        long count = Word(data, (int)inputsAt);
        if (count < 0 || count > (data.Length - inputsAt - 32) / 32 || data.Length != inputsAt + 32 + 32 * count)
            throw new FormatException($"calldata: {Show(count)} public input words do not fill the {data.Length - inputsAt - 32} bytes after their length");
        var decoded = new VerifyProofFunction().DecodeInput(EvmHex.Encode(calldata));
        var words = new byte[32 * decoded.PublicInputs.Count];
        for (int i = 0; i < decoded.PublicInputs.Count; i++)
            decoded.PublicInputs[i].TryWriteBytes(words.AsSpan(32 * i, 32)[^decoded.PublicInputs[i].GetByteCount(isUnsigned: true)..], out _, isUnsigned: true, isBigEndian: true);
        if (!calldata.SequenceEqual(Encode(decoded.Proof, words)))
            throw new FormatException("calldata: not the canonical encoding (non-zero padding after the proof bytes)");
        return (decoded.Proof, words);
    }

    private static string Show(long word) => word < 0 ? "2^31 or more" : word.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The ABI word at <paramref name="at"/> as a length or offset, or −1 when it is beyond 2^31 (no calldata is that long).</summary>
    private static long Word(ReadOnlySpan<byte> data, int at)
    {
        var w = data.Slice(at, 32);
        if (w[..28].IndexOfAnyExcept((byte)0) >= 0) return -1;
        uint v = BinaryPrimitives.ReadUInt32BigEndian(w[28..]);
        return v > int.MaxValue ? -1 : v;
    }

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
