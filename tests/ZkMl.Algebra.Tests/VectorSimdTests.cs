using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra.Tests;

/// <summary>The AVX2 int8 and int32 small-matrix kernels against their scalar twins and BigInteger.</summary>
public class VectorSimdTests
{
    private static readonly BigInteger P = Fr.Modulus;
    private static readonly BigInteger RInv = BigInteger.ModPow(BigInteger.One << 256, P - 2, P);
    private static BigInteger Mod(BigInteger v) { v %= P; return v.Sign < 0 ? v + P : v; }

    private static Fr[] RandomVector(Random rng, int n) =>
        Enumerable.Range(0, n).Select(i => (i % 7) switch { 0 => Fr.Zero, 1 => -Fr.One, _ => Fr.Random(rng) }).ToArray();

    private static sbyte[] RandomMatrix(Random rng, int len) =>
        Enumerable.Range(0, len).Select(i => (i % 11) switch { 0 => (sbyte)-128, 1 => (sbyte)127, _ => (sbyte)rng.Next(-128, 128) }).ToArray();

    private static BigInteger[] RefMatVec(sbyte[] m, int rows, int cols, Fr[] v, bool transposed)
    {
        var V = v.Select(x => x.ToBigInteger()).ToArray();
        var r = new BigInteger[transposed ? cols : rows];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                if (transposed) r[j] += m[i * cols + j] * V[i];
                else r[i] += m[i * cols + j] * V[j];
            }
        return r.Select(Mod).ToArray();
    }

    /// <summary>Runs the public kernel, the scalar twin and (when supported) the AVX2 path; all must equal the reference.</summary>
    private static void CheckAll(sbyte[] m, int rows, int cols, Fr[] v, bool transposed)
    {
        var want = RefMatVec(m, rows, cols, v, transposed);
        int outLen = transposed ? cols : rows;
        var pub = new Fr[outLen]; var sc = new Fr[outLen];
        if (transposed)
        {
            FrVector.SmallMatVecTransposed(m, rows, cols, v, pub);
            FrVector.SmallMatVecTransposedScalar(m, rows, cols, v, sc);
        }
        else
        {
            FrVector.SmallMatVec(m, rows, cols, v, pub);
            FrVector.SmallMatVecScalar(m, rows, cols, v, sc);
        }
        Assert.Equal(want, pub.Select(x => x.ToBigInteger()));
        Assert.Equal(want, sc.Select(x => x.ToBigInteger()));
        if (Avx2.IsSupported)
        {
            var simd = new Fr[outLen];
            if (transposed) FrVector.SmallMatVecTransposedAvx2(m, rows, cols, v, simd);
            else FrVector.SmallMatVecAvx2(m, rows, cols, v, simd);
            Assert.Equal(want, simd.Select(x => x.ToBigInteger()));
        }
    }

    [Fact]
    public void Int8KernelsOnEveryLengthUpTo256()
    {
        var rng = new Random(71);
        for (int n = 0; n <= 256; n++)
        {
            // the vector-width dimension is the column count in both kernels
            CheckAll(RandomMatrix(rng, 2 * n), 2, n, RandomVector(rng, n), transposed: false);
            CheckAll(RandomMatrix(rng, 2 * n), 2, n, RandomVector(rng, 2), transposed: true);
            // and the summed dimension of the transposed kernel is the row count
            CheckAll(RandomMatrix(rng, n * 5), n, 5, RandomVector(rng, n), transposed: true);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 17)]
    [InlineData(17, 3)]
    [InlineData(5, 4)]
    [InlineData(7, 64)]
    [InlineData(9, 65)]
    [InlineData(65, 67)]
    [InlineData(33, 131)]
    [InlineData(130, 129)]
    [InlineData(0, 20)]
    [InlineData(20, 0)]
    public void Int8KernelsOnMatrixShapes(int rows, int cols)
    {
        var rng = new Random(rows * 1000 + cols);
        var m = RandomMatrix(rng, rows * cols);
        CheckAll(m, rows, cols, RandomVector(rng, cols), transposed: false);
        CheckAll(m, rows, cols, RandomVector(rng, rows), transposed: true);
    }

    [Fact]
    public void TransposedOutputMayAliasTheVector()
    {
        var rng = new Random(72);
        foreach (int n in new[] { 3, 16, 37, 70 })
        {
            var m = RandomMatrix(rng, n * n);
            var v = RandomVector(rng, n);
            var want = RefMatVec(m, n, n, v, transposed: true);
            var r = (Fr[])v.Clone(); FrVector.SmallMatVecTransposed(m, n, n, r, r);
            Assert.Equal(want, r.Select(x => x.ToBigInteger()));
            r = (Fr[])v.Clone(); FrVector.SmallMatVecTransposedScalar(m, n, n, r, r);
            Assert.Equal(want, r.Select(x => x.ToBigInteger()));
            if (Avx2.IsSupported)
            {
                r = (Fr[])v.Clone(); FrVector.SmallMatVecTransposedAvx2(m, n, n, r, r);
                Assert.Equal(want, r.Select(x => x.ToBigInteger()));
            }
        }
    }

    /// <summary>
    /// Worst case for the 64-bit digit lanes: every entry −128 (or 127) and every 16-bit digit 0xFFFF
    /// (limbs all ones: not a reduced element, but the kernels are linear in the limbs, so the result is
    /// the Montgomery form Σm·(2^256−1) mod p), over 2^16 terms per output; also p − 1 in Montgomery form.
    /// </summary>
    [Theory]
    [InlineData(-128)]
    [InlineData(127)]
    public void WorstCaseDigitsAndEntriesDoNotOverflow(int entry)
    {
        const int n = 1 << 16, w = 20; // w: not a multiple of 4, so the vector and the tail paths both run
        var ones = new Fr(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);
        var big = (BigInteger.One << 256) - 1;
        var pm1 = -Fr.One;
        foreach (var (x, limbs) in new[] { (ones, big), (pm1, MontLimbs(pm1)) })
        {
            var want = Mod(n * entry * limbs * RInv);
            var m = Enumerable.Repeat((sbyte)entry, n * w).ToArray();
            var v = Enumerable.Repeat(x, n).ToArray();
            var outs = new List<Fr[]>();
            var r = new Fr[w]; FrVector.SmallMatVecTransposed(m, n, w, v, r); outs.Add(r);
            r = new Fr[w]; FrVector.SmallMatVecTransposedScalar(m, n, w, v, r); outs.Add(r);
            r = new Fr[1]; FrVector.SmallMatVec(m.AsSpan(0, n), 1, n, v, r); outs.Add(r);
            r = new Fr[1]; FrVector.SmallMatVecScalar(m.AsSpan(0, n), 1, n, v, r); outs.Add(r);
            if (Avx2.IsSupported)
            {
                r = new Fr[w]; FrVector.SmallMatVecTransposedAvx2(m, n, w, v, r); outs.Add(r);
                r = new Fr[1]; FrVector.SmallMatVecAvx2(m.AsSpan(0, n), 1, n, v, r); outs.Add(r);
            }
            foreach (var o in outs) Assert.All(o, e => Assert.Equal(want, e.ToBigInteger()));
        }
    }

    [Fact]
    public void DigitRecombinationHandlesSignAndMagnitude()
    {
        var rng = new Random(73);
        for (int t = 0; t < 200; t++)
        {
            var s = new long[16];
            for (int k = 0; k < 16; k++)
                s[k] = t switch { 0 => long.MaxValue, 1 => long.MinValue, 2 => k % 2 == 0 ? long.MinValue : long.MaxValue, _ => rng.NextInt64(long.MinValue, long.MaxValue) };
            BigInteger a = 0;
            for (int k = 0; k < 16; k++) a += (BigInteger)s[k] << (16 * k);
            Assert.Equal(Mod(a * RInv), FrVector.ReduceDigitSums(s).ToBigInteger());
        }
    }

    private static BigInteger[] RefMatVec(int[] m, int rows, int cols, Fr[] v, bool transposed)
    {
        var V = v.Select(x => x.ToBigInteger()).ToArray();
        var r = new BigInteger[transposed ? cols : rows];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                if (transposed) r[j] += m[i * cols + j] * V[i];
                else r[i] += m[i * cols + j] * V[j];
            }
        return r.Select(Mod).ToArray();
    }

    private static int[] RandomIntMatrix(Random rng, int len) =>
        Enumerable.Range(0, len).Select(i => (i % 11) switch { 0 => int.MinValue, 1 => int.MaxValue, 2 => rng.Next(-300, 300), _ => rng.Next(int.MinValue, int.MaxValue) }).ToArray();

    private static void CheckAllInt(int[] m, int rows, int cols, Fr[] v, bool transposed, BigInteger[]? want = null)
    {
        want ??= RefMatVec(m, rows, cols, v, transposed);
        int outLen = transposed ? cols : rows;
        var outs = new List<Fr[]>();
        var r = new Fr[outLen];
        if (transposed) FrVector.SmallMatVecTransposed(m, rows, cols, v, r); else FrVector.SmallMatVec(m, rows, cols, v, r);
        outs.Add(r);
        r = new Fr[outLen];
        if (transposed) FrVector.SmallMatVecTransposedScalar(m, rows, cols, v, r); else FrVector.SmallMatVecScalar(m, rows, cols, v, r);
        outs.Add(r);
        if (Avx2.IsSupported)
        {
            r = new Fr[outLen];
            if (transposed) FrVector.SmallMatVecTransposedAvx2(m, rows, cols, v, r); else FrVector.SmallMatVecAvx2(m, rows, cols, v, r);
            outs.Add(r);
        }
        foreach (var o in outs) Assert.Equal(want, o.Select(x => x.ToBigInteger()));
    }

    [Fact]
    public void Int32KernelsOnEveryLengthUpTo256()
    {
        var rng = new Random(74);
        for (int n = 0; n <= 256; n++)
        {
            CheckAllInt(RandomIntMatrix(rng, 2 * n), 2, n, RandomVector(rng, n), transposed: false);
            CheckAllInt(RandomIntMatrix(rng, 2 * n), 2, n, RandomVector(rng, 2), transposed: true);
            CheckAllInt(RandomIntMatrix(rng, n * 5), n, 5, RandomVector(rng, n), transposed: true);
        }
    }

    [Theory]
    [InlineData(3, 17)]
    [InlineData(17, 3)]
    [InlineData(65, 67)]
    [InlineData(130, 129)]
    [InlineData(0, 20)]
    public void Int32KernelsOnMatrixShapes(int rows, int cols)
    {
        var rng = new Random(rows * 1000 + cols + 1);
        var m = RandomIntMatrix(rng, rows * cols);
        CheckAllInt(m, rows, cols, RandomVector(rng, cols), transposed: false);
        CheckAllInt(m, rows, cols, RandomVector(rng, rows), transposed: true);
        if (rows == cols)
        {
            var v = RandomVector(rng, rows);
            var want = RefMatVec(m, rows, cols, v, transposed: true);
            var r = (Fr[])v.Clone(); FrVector.SmallMatVecTransposed(m, rows, cols, r, r);
            Assert.Equal(want, r.Select(x => x.ToBigInteger()));
        }
    }

    /// <summary>
    /// Worst case for the int32 lanes: entries ±2^31 and all digits 0xFFFF over 3·2^15 + 5 terms per output,
    /// so the lanes are flushed several times, plus the tail columns.
    /// </summary>
    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void Int32WorstCaseIsFlushedBeforeOverflow(int entry)
    {
        const int n = 3 * (1 << 15) + 5, w = 19;
        var ones = new Fr(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);
        var big = (BigInteger.One << 256) - 1;
        var want = Mod((BigInteger)n * entry * big * RInv);
        var m = Enumerable.Repeat(entry, n * w).ToArray();
        var v = Enumerable.Repeat(ones, n).ToArray();
        CheckAllInt(m, n, w, v, transposed: true, Enumerable.Repeat(want, w).ToArray());
        CheckAllInt(m.AsSpan(0, 2 * n).ToArray(), 2, n, v, transposed: false, [want, want]);
    }

    private static BigInteger MontLimbs(Fr x) =>
        new BigInteger(x.L0) + (new BigInteger(x.L1) << 64) + (new BigInteger(x.L2) << 128) + (new BigInteger(x.L3) << 192);
}
