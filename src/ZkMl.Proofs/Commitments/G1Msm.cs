using ZkMl.Algebra;

namespace ZkMl.Proofs.Commitments;

/// <summary>
/// Multi-scalar multiplications over G1 used by the commitment code.
/// TEMPORARY: a plain bucket-method (Pippenger) MSM, parallel over windows, until the project's
/// optimised MSM (src/ZkMl.Algebra/Msm) lands; every caller goes through here so the switch is one file.
/// </summary>
internal static class G1Msm
{
    /// <summary>Σ k_i·B_i for field scalars.</summary>
    public static G1Jacobian Compute(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<Fr> scalars)
    {
        if (bases.Length != scalars.Length) throw new ArgumentException($"{bases.Length} bases, {scalars.Length} scalars");
        int n = bases.Length;
        var limbs = new ulong[4 * n];
        for (int i = 0; i < n; i++)
            scalars[i].ToCanonicalLimbs(out limbs[4 * i], out limbs[4 * i + 1], out limbs[4 * i + 2], out limbs[4 * i + 3]);
        return Pippenger(bases.ToArray(), limbs, null, 254);
    }

    /// <summary>Σ k_i·B_i for small signed integer scalars.</summary>
    public static G1Jacobian ComputeSmall(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<long> scalars)
    {
        if (bases.Length != scalars.Length) throw new ArgumentException($"{bases.Length} bases, {scalars.Length} scalars");
        int n = bases.Length;
        var limbs = new ulong[4 * n];
        var neg = new bool[n];
        int bits = 1;
        for (int i = 0; i < n; i++)
        {
            long v = scalars[i];
            neg[i] = v < 0;
            ulong m = v < 0 ? (ulong)(-(v + 1)) + 1 : (ulong)v;
            limbs[4 * i] = m;
            bits = Math.Max(bits, 64 - System.Numerics.BitOperations.LeadingZeroCount(m));
        }
        return Pippenger(bases.ToArray(), limbs, neg, bits);
    }

    private static G1Jacobian Pippenger(G1Affine[] bases, ulong[] limbs, bool[]? negate, int bits)
    {
        int n = bases.Length;
        if (n == 0) return G1Jacobian.Infinity;
        int c = n < 32 ? 3 : Math.Clamp((int)Math.Log2(n) - 2, 4, 16);
        int windows = (bits + c - 1) / c;
        var sums = new G1Jacobian[windows];
        Parallel.For(0, windows, w =>
        {
            var buckets = new G1Jacobian[(1 << c) - 1];
            Array.Fill(buckets, G1Jacobian.Infinity);
            int shift = w * c;
            for (int i = 0; i < n; i++)
            {
                int digit = Digit(limbs, i, shift, c);
                if (digit == 0) continue;
                var b = negate != null && negate[i] ? bases[i].Negate() : bases[i];
                G1Jacobian.AddMixed(buckets[digit - 1], b, out buckets[digit - 1]);
            }
            var running = G1Jacobian.Infinity;
            var acc = G1Jacobian.Infinity;
            for (int k = buckets.Length - 1; k >= 0; k--)
            {
                running += buckets[k];
                acc += running;
            }
            sums[w] = acc;
        });
        var result = sums[windows - 1];
        for (int w = windows - 2; w >= 0; w--)
        {
            for (int k = 0; k < c; k++) result = result.Double();
            result += sums[w];
        }
        return result;
    }

    private static int Digit(ulong[] limbs, int i, int shift, int c)
    {
        int limb = shift >> 6, off = shift & 63;
        if (limb >= 4) return 0;
        ulong v = limbs[4 * i + limb] >> off;
        if (off + c > 64 && limb + 1 < 4) v |= limbs[4 * i + limb + 1] << (64 - off);
        return (int)(v & ((1UL << c) - 1));
    }
}
