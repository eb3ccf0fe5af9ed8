using System.Numerics;

namespace ZkMl.Algebra.Tests;

public class VectorTests
{
    private static readonly BigInteger P = Fr.Modulus;
    private static BigInteger Mod(BigInteger v) { v %= P; return v.Sign < 0 ? v + P : v; }

    private static Fr[] RandomVector(Random rng, int n) =>
        Enumerable.Range(0, n).Select(i => (i % 9) switch { 0 => Fr.Zero, 1 => -Fr.One, _ => Fr.Random(rng) }).ToArray();

    private static BigInteger[] Big(Fr[] v) => v.Select(x => x.ToBigInteger()).ToArray();

    [Fact]
    public void ElementwiseKernelsOnEveryLengthUpTo256()
    {
        var rng = new Random(31);
        for (int n = 0; n <= 256; n++)
        {
            var a = RandomVector(rng, n);
            var b = RandomVector(rng, n);
            var x = Fr.Random(rng);
            var A = Big(a); var B = Big(b); var X = x.ToBigInteger();
            var r = new Fr[n];
            FrVector.Add(a, b, r); for (int i = 0; i < n; i++) Assert.Equal(Mod(A[i] + B[i]), r[i].ToBigInteger());
            FrVector.Sub(a, b, r); for (int i = 0; i < n; i++) Assert.Equal(Mod(A[i] - B[i]), r[i].ToBigInteger());
            FrVector.Mul(a, b, r); for (int i = 0; i < n; i++) Assert.Equal(Mod(A[i] * B[i]), r[i].ToBigInteger());
            FrVector.Scale(a, x, r); for (int i = 0; i < n; i++) Assert.Equal(Mod(A[i] * X), r[i].ToBigInteger());
            FrVector.Fold(a, b, x, r); for (int i = 0; i < n; i++) Assert.Equal(Mod(A[i] + X * (B[i] - A[i])), r[i].ToBigInteger());
            BigInteger ip = 0; for (int i = 0; i < n; i++) ip += A[i] * B[i];
            Assert.Equal(Mod(ip), FrVector.InnerProduct(a, b).ToBigInteger());
        }
    }

    [Fact]
    public void OutputsMayAliasInputs()
    {
        var rng = new Random(32);
        const int n = 37;
        var a = RandomVector(rng, n); var b = RandomVector(rng, n); var x = Fr.Random(rng);
        var A = Big(a); var B = Big(b); var X = x.ToBigInteger();
        var r = (Fr[])a.Clone(); FrVector.Add(r, b, r); Assert.Equal(A.Zip(B, (p, q) => Mod(p + q)), Big(r));
        r = (Fr[])b.Clone(); FrVector.Sub(a, r, r); Assert.Equal(A.Zip(B, (p, q) => Mod(p - q)), Big(r));
        r = (Fr[])a.Clone(); FrVector.Mul(r, r, r); Assert.Equal(A.Select(p => Mod(p * p)), Big(r));
        r = (Fr[])a.Clone(); FrVector.Scale(r, x, r); Assert.Equal(A.Select(p => Mod(p * X)), Big(r));
        r = (Fr[])a.Clone(); FrVector.Fold(r, b, x, r); Assert.Equal(A.Zip(B, (p, q) => Mod(p + X * (q - p))), Big(r));
        r = (Fr[])b.Clone(); FrVector.Fold(a, r, x, r); Assert.Equal(A.Zip(B, (p, q) => Mod(p + X * (q - p))), Big(r));
        // fold at 0 and 1 selects the endpoints
        r = new Fr[n]; FrVector.Fold(a, b, Fr.Zero, r); Assert.Equal(a, r);
        FrVector.Fold(a, b, Fr.One, r); Assert.Equal(b, r);
    }

    [Fact]
    public void LengthMismatchIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => FrVector.Add(new Fr[3], new Fr[3], new Fr[2]));
        Assert.Contains("output 2", e.Message);
        Assert.Throws<ArgumentException>(() => FrVector.InnerProduct(new Fr[3], new Fr[4]));
        Assert.Throws<ArgumentException>(() => FrVector.SmallMatVec(new sbyte[6], 2, 4, new Fr[4], new Fr[2]));
        Assert.Throws<ArgumentException>(() => FrVector.SmallMatVecTransposed(new sbyte[6], 2, 3, new Fr[3], new Fr[3]));
    }

    public static TheoryData<int, int> Shapes => new() { { 0, 0 }, { 0, 5 }, { 5, 0 }, { 1, 1 }, { 1, 257 }, { 257, 1 }, { 13, 31 }, { 64, 100 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SmallMatVecMatchesBigInteger(int rows, int cols)
    {
        var rng = new Random(33 + rows * 1000 + cols);
        var m8 = new sbyte[rows * cols];
        var m32 = new int[rows * cols];
        for (int k = 0; k < m8.Length; k++)
        {
            m8[k] = (k % 5) switch { 0 => sbyte.MinValue, 1 => sbyte.MaxValue, 2 => 0, _ => (sbyte)rng.Next(-128, 128) };
            m32[k] = (k % 5) switch { 0 => int.MinValue, 1 => int.MaxValue, 2 => 0, _ => rng.Next(int.MinValue, int.MaxValue) };
        }
        var vc = RandomVector(rng, cols);
        var vr = RandomVector(rng, rows);
        var VC = Big(vc); var VR = Big(vr);

        var outR = new Fr[rows];
        var outC = new Fr[cols];
        FrVector.SmallMatVec(m8, rows, cols, vc, outR);
        for (int i = 0; i < rows; i++) { BigInteger s = 0; for (int j = 0; j < cols; j++) s += m8[i * cols + j] * VC[j]; Assert.Equal(Mod(s), outR[i].ToBigInteger()); }
        FrVector.SmallMatVec(m32, rows, cols, vc, outR);
        for (int i = 0; i < rows; i++) { BigInteger s = 0; for (int j = 0; j < cols; j++) s += m32[i * cols + j] * VC[j]; Assert.Equal(Mod(s), outR[i].ToBigInteger()); }
        FrVector.SmallMatVecTransposed(m8, rows, cols, vr, outC);
        for (int j = 0; j < cols; j++) { BigInteger s = 0; for (int i = 0; i < rows; i++) s += m8[i * cols + j] * VR[i]; Assert.Equal(Mod(s), outC[j].ToBigInteger()); }
        FrVector.SmallMatVecTransposed(m32, rows, cols, vr, outC);
        for (int j = 0; j < cols; j++) { BigInteger s = 0; for (int i = 0; i < rows; i++) s += m32[i * cols + j] * VR[i]; Assert.Equal(Mod(s), outC[j].ToBigInteger()); }
    }

    [Fact]
    public void SmallMatVecWithAllMaximalTermsDoesNotOverflow()
    {
        // 4096 terms of (−2^31)·(p−1): the largest magnitudes the accumulator sees
        const int cols = 4096;
        var m = Enumerable.Repeat(int.MinValue, cols).ToArray();
        var v = Enumerable.Repeat(-Fr.One, cols).ToArray();
        var r = new Fr[1];
        FrVector.SmallMatVec(m, 1, cols, v, r);
        Assert.Equal(Mod(new BigInteger(int.MinValue) * (P - 1) * cols), r[0].ToBigInteger());
    }
}
