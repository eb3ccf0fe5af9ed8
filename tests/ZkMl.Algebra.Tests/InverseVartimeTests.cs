using System.Numerics;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// The variable-time inversion (Kaliski's almost-Montgomery inverse plus one correction product) against the constant-time
/// Fermat inversion it stands in for in the group arithmetic: equal on random values, on edge values, and on elements whose
/// stored Montgomery limbs are themselves extreme (1, powers of two, limb boundaries, p − 1), where the binary Euclid takes
/// its longest and shortest runs and its multi-bit shifts meet whole zero limbs.
/// </summary>
public class InverseVartimeTests
{
    private static readonly BigInteger R = BigInteger.One << 256;

    /// <summary>Values v whose stored limbs are the given raw integers x (v = x·R⁻¹ mod p), plus edge values of v itself.</summary>
    private static IEnumerable<BigInteger> Cases(BigInteger p, int seed)
    {
        var rInv = BigInteger.ModPow(R, p - 2, p);
        var raws = new List<BigInteger> { 1, 2, 3, p - 1, p - 2, (p - 1) / 2, (p + 1) / 2 };
        for (int k = 1; k < 254; k += 7) { raws.Add(BigInteger.One << k); raws.Add((BigInteger.One << k) - 1); raws.Add((BigInteger.One << k) + 1); }
        foreach (var x in raws) yield return x * rInv % p;
        foreach (var v in new BigInteger[] { 0, 1, 2, p - 1, p - 2, (p - 1) / 2 }) yield return v;
        var rng = new Random(seed);
        for (int i = 0; i < 3000; i++)
        {
            var b = new byte[33];
            rng.NextBytes(b);
            b[32] = 0;
            yield return new BigInteger(b) % p;
        }
    }

    [Fact]
    public void Fq_vartime_inverse_equals_the_constant_time_one()
    {
        foreach (var v in Cases(Fq.Modulus, 1))
        {
            var a = Fq.FromBigInteger(v);
            Fq.Inverse(a, out var expected);
            Fq.InverseVartime(a, out var actual);
            Assert.Equal(expected, actual);
            if (!a.IsZero) Assert.Equal(Fq.One, a * actual);
        }
        Fq.InverseVartime(Fq.Zero, out var zero);
        Assert.True(zero.IsZero);
    }

    [Fact]
    public void Fr_vartime_inverse_equals_the_constant_time_one()
    {
        foreach (var v in Cases(Fr.Modulus, 2))
        {
            var a = Fr.FromBigInteger(v);
            Fr.Inverse(a, out var expected);
            Fr.InverseVartime(a, out var actual);
            Assert.Equal(expected, actual);
        }
    }
}
