using ZkMl.Algebra;

namespace ZkMl.Inference.Tests;

/// <summary>
/// The conv window selector of docs/conv-design.md §4: the automaton's MLE equals the direct sum and the brute-force
/// hypercube sum at random points, and the indicator itself at Boolean points, for odd sizes, pads and strides 1–3.
/// </summary>
public class ConvSelectorTests
{
    private static Fr[] Point(Random rng, int n) => Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();

    private static int Log2Ceil(int v) => v <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(v - 1));

    public static TheoryData<int, int, int, int> Geometries => new()
    {
        // in size, kernel, stride, pad (the output size follows as a conv would compute it)
        { 5, 3, 1, 0 }, { 7, 3, 2, 1 }, { 28, 5, 1, 0 }, { 12, 5, 1, 2 }, { 6, 2, 2, 0 }, { 9, 3, 3, 1 }, { 4, 4, 1, 3 }, { 1, 1, 1, 0 }, { 13, 2, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void AutomatonEqualsTheSumAtRandomPoints(int inSize, int kernel, int stride, int pad)
    {
        int outSize = (inSize + 2 * pad - kernel) / stride + 1;
        int a = Log2Ceil(outSize), b = Log2Ceil(inSize), c = Log2Ceil(kernel);
        var rng = new Random(inSize * 1000 + kernel * 100 + stride * 10 + pad);
        for (int t = 0; t < 5; t++)
        {
            var r = Point(rng, a); var s = Point(rng, b); var d = Point(rng, c);
            Assert.Equal(ConvSelector.WindowBySum(r, s, d, stride, pad, outSize, inSize), ConvSelector.Window(r, s, d, stride, pad, outSize, inSize));
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void WindowSumIsTheSumOverTheWindow(int inSize, int kernel, int stride, int pad)
    {
        // Σ_{d<kernel} S̃(r, σ, bits(d)) by one automaton run with the d track summed and compared with the kernel
        int outSize = (inSize + 2 * pad - kernel) / stride + 1;
        int a = Log2Ceil(outSize), b = Log2Ceil(inSize), c = Log2Ceil(kernel);
        var rng = new Random(inSize * 1000 + kernel * 100 + stride * 10 + pad + 7);
        var ones = Enumerable.Repeat(Fr.One, kernel).ToArray();
        for (int t = 0; t < 3; t++)
        {
            var r = Point(rng, a); var s = Point(rng, b);
            Assert.Equal(SpatialProof.SelectorSum(r, s, ones, c, stride, pad, outSize, inSize), ConvSelector.WindowSum(r, s, kernel, stride, pad, outSize, inSize));
        }
        // a window one smaller is another polynomial
        var r2 = Point(rng, a); var s2 = Point(rng, b);
        if (kernel > 1) Assert.NotEqual(ConvSelector.WindowSum(r2, s2, kernel, stride, pad, outSize, inSize), ConvSelector.WindowSum(r2, s2, kernel - 1, stride, pad, outSize, inSize));
    }

    [Fact]
    public void PairLessThanIsTheMleOfTheMaskedEqTable()
    {
        var rng = new Random(5);
        foreach (int bits in new[] { 0, 1, 3, 5 })
            for (int n = 0; n <= (1 << bits) + 1; n++)
            {
                var a = Point(rng, bits); var z = Point(rng, bits);
                var table = ZkMl.Proofs.Polynomials.Eq.Table(a);
                for (int y = n; y < table.Length; y++) table[y] = Fr.Zero;
                Assert.Equal(ZkMl.Proofs.Polynomials.DenseMle.Evaluate(table, z), ConvSelector.PairLessThan(a, z, n));
                if (n < 1 << bits) Assert.Equal(ZkMl.Proofs.Polynomials.Eq.Table(a)[n] * ZkMl.Proofs.Polynomials.Eq.Table(z)[n], ConvSelector.PairAt(a, z, n));
            }
    }

    [Fact]
    public void AutomatonIsTheIndicatorOnTheHypercube()
    {
        // Every Boolean (y, u, d) for a few small constant sets, including sizes that are no power of two and
        // constants beyond the widths.
        foreach (var (stride, pad, outSize, inSize, a, b, c) in new[] { (1, 0, 3, 5, 2, 3, 2), (2, 1, 4, 7, 2, 3, 2), (3, 2, 3, 6, 2, 3, 2), (2, 0, 2, 3, 1, 2, 2), (1, 3, 7, 4, 3, 2, 3) })
            for (int y = 0; y < 1 << a; y++)
                for (int u = 0; u < 1 << b; u++)
                    for (int d = 0; d < 1 << c; d++)
                    {
                        bool want = y < outSize && u < inSize && u + pad == stride * y + d;
                        var got = ConvSelector.Window(Bits(y, a), Bits(u, b), Bits(d, c), stride, pad, outSize, inSize);
                        Assert.True(got == (want ? Fr.One : Fr.Zero), $"s={stride} p={pad} out={outSize} in={inSize}: (y={y}, u={u}, d={d}) gave {got}, want {want}");
                    }
    }

    [Fact]
    public void LessThanIsTheMleOfTheIndicator()
    {
        var rng = new Random(3);
        for (int bits = 0; bits <= 6; bits++)
            for (int n = 0; n <= (1 << bits) + 1; n++)
            {
                var r = Point(rng, bits);
                var e = ZkMl.Proofs.Polynomials.Eq.Table(r);
                Fr want = Fr.Zero;
                for (int y = 0; y < e.Length && y < n; y++) want += e[y];
                Assert.Equal(want, ConvSelector.LessThan(r, n));
            }
    }

    [Fact]
    public void AWrongConstantChangesTheValue()
    {
        // The selector depends on every constant: a verifier evaluating it with another stride, pad or size
        // gets another value at a random point (so a key's geometry cannot be swapped silently).
        var rng = new Random(9);
        var r = Point(rng, 5); var s = Point(rng, 5); var d = Point(rng, 3);
        var v = ConvSelector.Window(r, s, d, 1, 0, 24, 28);
        Assert.NotEqual(v, ConvSelector.Window(r, s, d, 2, 0, 24, 28));
        Assert.NotEqual(v, ConvSelector.Window(r, s, d, 1, 1, 24, 28));
        Assert.NotEqual(v, ConvSelector.Window(r, s, d, 1, 0, 23, 28));
        Assert.NotEqual(v, ConvSelector.Window(r, s, d, 1, 0, 24, 27));
    }

    private static Fr[] Bits(int v, int n)
    {
        var p = new Fr[n];
        for (int k = 0; k < n; k++) p[k] = ((v >> (n - 1 - k)) & 1) == 1 ? Fr.One : Fr.Zero;
        return p;
    }
}
