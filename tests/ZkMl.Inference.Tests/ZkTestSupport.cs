using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;

namespace ZkMl.Inference.Tests;

/// <summary>Single-element changes of a ZK proof, each of which the C# verifier must reject.</summary>
internal static class ZkProofMutations
{
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
