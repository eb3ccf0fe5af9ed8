using System.Numerics;

namespace ZkMl.Algebra;

public readonly partial struct Fq
{
    // p ≡ 3 (mod 4), so a square root of a quadratic residue a is a^((p+1)/4).
    private static readonly ulong[] SqrtExponent = Limbs((Modulus + 1) / 4);

    /// <summary>
    /// A square root of <paramref name="a"/>: r with r² = a, computed as a^((p+1)/4) (valid because
    /// p ≡ 3 mod 4). Which of the two roots ±r is returned is unspecified.
    /// </summary>
    /// <returns>False (and r = 0) when a is not a square.</returns>
    public static bool Sqrt(in Fq a, out Fq r)
    {
        Pow(a, SqrtExponent, out var c);
        Square(c, out var check);
        if (check != a) { r = default; return false; }
        r = c;
        return true;
    }

    /// <summary>Little-endian 64-bit limbs of a non-negative integer below 2^256.</summary>
    internal static ulong[] Limbs(BigInteger v)
    {
        var limbs = new ulong[4];
        for (int i = 0; i < 4; i++) limbs[i] = (ulong)((v >> (64 * i)) & ulong.MaxValue);
        return limbs;
    }
}
