using System.Numerics;

namespace ZkMl.Algebra;

public readonly partial struct Fr
{
    // r − 1 = 2^S · T with T odd (S = 28 for BN254); 5 generates Fr* and is a non-residue.
    private const int TwoAdicity = 28;
    private static readonly ulong[] SqrtT = Fq.Limbs((Modulus - 1) >> TwoAdicity);
    private static readonly ulong[] SqrtTPlusOneHalf = Fq.Limbs((((Modulus - 1) >> TwoAdicity) + 1) / 2);
    private static readonly Fr RootOfUnity2S = FromUInt64(5).Pow((Modulus - 1) >> TwoAdicity);

    /// <summary>
    /// A square root of <paramref name="a"/> by Tonelli–Shanks (r − 1 = 2^28·T): r with r² = a.
    /// Which of the two roots ±r is returned is unspecified.
    /// </summary>
    /// <returns>False (and r = 0) when a is not a square.</returns>
    public static bool Sqrt(in Fr a, out Fr r)
    {
        if (a.IsZero) { r = default; return true; }
        // x = a^((T+1)/2), b = a^T, z = a primitive 2^S-th root of unity; invariant x² = a·b.
        Pow(a, SqrtTPlusOneHalf, out var x);
        Pow(a, SqrtT, out var b);
        var z = RootOfUnity2S;
        int m = TwoAdicity;
        while (!b.IsOne)
        {
            // least i with b^(2^i) = 1
            int i = 0;
            var t = b;
            while (!t.IsOne)
            {
                Square(t, out t);
                i++;
                if (i == m) { r = default; return false; } // b has order 2^m: a is a non-residue
            }
            var c = z;
            for (int j = 0; j < m - i - 1; j++) Square(c, out c);
            Mul(x, c, out x);
            Square(c, out z);
            Mul(b, z, out b);
            m = i;
        }
        r = x;
        return true;
    }
}
