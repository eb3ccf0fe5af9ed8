using System.Numerics;
using ZkMl.Algebra;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// <see cref="FixedBaseG1.MulGenerator"/> (batch-affine rounds over a byte table) against the generator's double-and-add
/// <see cref="G1Jacobian.ScalarMul"/>, on scalars with zero bytes (an infinite addend), with the accumulator still at infinity
/// for many rounds, at byte boundaries and near r, and random ones over more than one parallel chunk. (A round cannot meet a
/// doubling or an opposite addend for a canonical k: its partial sums are the integer prefixes of k &lt; r.)
/// </summary>
public class FixedBaseG1Tests
{
    private static readonly BigInteger R = Fr.Modulus;

    [Fact]
    public void Every_multiple_matches_double_and_add()
    {
        var values = new List<BigInteger> { 0, 1, 2, 255, 256, 257, R - 1, R - 2, (R - 1) / 2, BigInteger.One << 248, (BigInteger.One << 253) + 1 };
        var rng = new Random(11);
        for (int w = 1; w < 32; w++)
        {
            var top = BigInteger.One << (8 * w);
            values.AddRange([top - 1, top, top + 1, top * 255, top * 17 + 3]);
        }
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[33];
            rng.NextBytes(bytes);
            bytes[32] = 0;
            for (int k = 0; k < 32; k++) if (rng.Next(4) == 0) bytes[k] = 0; // zero bytes: infinite addends
            values.Add(new BigInteger(bytes));
        }
        var scalars = values.Select(v => Fr.FromBigInteger(((v % R) + R) % R)).ToArray();
        // More than one chunk of 1,024, so the parallel chunks are covered too.
        scalars = [.. scalars, .. Enumerable.Range(0, 1500).Select(_ => Fr.Random(rng))];
        var got = FixedBaseG1.MulGenerator(scalars);
        Assert.Equal(scalars.Length, got.Length);
        for (int i = 0; i < scalars.Length; i++)
            Assert.True(G1Jacobian.Generator.ScalarMul(scalars[i]).ToAffine() == got[i], $"scalar {i}: {scalars[i]}");
    }
}
