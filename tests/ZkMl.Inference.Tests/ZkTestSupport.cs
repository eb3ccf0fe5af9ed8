using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Inference.Tests;

/// <summary>Single-element changes of a ZK proof, each of which the C# verifier must reject.</summary>
internal static class ZkProofMutations
{
    /// <summary>
    /// Byte offsets of the G1 points of a ZK proof of <paramref name="length"/> bytes at <paramref name="batch"/> rows: C_D1, C_D2,
    /// C_1, C_2 (and C_3 with the input range check), and the hiding HyperKZG's folds, W and W′.
    /// </summary>
    public static HashSet<int> PointOffsets(VerifyingKey vk, int length, int batch)
    {
        var zs = new ZkShape(vk, System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch)));
        var set = new HashSet<int> { 0, 64, 128, 192 };
        if (zs.RangeCheck) set.Add(256);
        int n = zs.OpeningVars;
        int kzgStart = length - HyperKzgHidingProof.EncodedLength(n);
        for (int i = 0; i < HyperKzg.OpenedLevels(n) + 1; i++) set.Add(kzgStart + 64 * i);
        return set;
    }

    /// <summary>
    /// Changes each proof element alone — a G1 point at an offset in <paramref name="points"/> to the next point (+G), any
    /// other 32-byte word to the element + 1 — and asserts the verifier rejects every change; returns how many were made.
    /// </summary>
    public static int AssertEveryElementRejected(VerifyingKey vk, InferenceProof proof, IReadOnlySet<int> points)
    {
        var bytes = proof.ProofBytes.ToArray();
        int count = 0;
        for (int o = 0; o < bytes.Length;)
        {
            int at = o;
            var bad = (byte[])bytes.Clone();
            if (points.Contains(o))
            {
                EvmEncoding.EncodeG1(EvmEncoding.DecodeG1(bytes.AsSpan(o, 64)) + G1Affine.Generator, bad.AsSpan(o, 64));
                o += 64;
            }
            else
            {
                (Fr.FromBytesBigEndian(bytes.AsSpan(o, 32)) + Fr.One).WriteBigEndian(bad.AsSpan(o, 32));
                o += 32;
            }
            Xunit.Assert.False(InferenceVerifier.Verify(vk, proof.PublicInputs, bad).IsValid, $"change at byte {at} accepted");
            count++;
        }
        return count;
    }
}
