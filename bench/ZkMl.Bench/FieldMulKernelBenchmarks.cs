using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// A/B of the Montgomery product inside one run: the field's current <c>Mul</c> (the machine code of
/// <see cref="MontgomeryX64"/> where available), its C# product (<c>MulManaged</c>) and the former CIOS kernel
/// (<see cref="FormerFrMul"/>, kept here as the baseline), as a dependent chain of 1000 products (per-op latency)
/// and as 1000 independent products (throughput).
/// </summary>
public class FieldMulKernelBenchmarks
{
    private Fr _a, _b;
    private Fr[] _xs = [], _ys = [], _out = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Fr.Random(rng); _b = Fr.Random(rng);
        _xs = BenchData.Scalars(rng, 1000);
        _ys = BenchData.Scalars(rng, 1000);
        _out = new Fr[1000];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 1000)]
    public Fr ChainFormer() { var x = _a; for (int i = 0; i < 1000; i++) FormerFrMul.Mul(x, _b, out x); return x; }

    [Benchmark(OperationsPerInvoke = 1000)]
    public Fr Chain() { var x = _a; for (int i = 0; i < 1000; i++) Fr.Mul(x, _b, out x); return x; }

    /// <summary>The C# product (<see cref="Fr.MulManaged"/>); <see cref="Chain"/> runs the machine code where it is available.</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public Fr ChainManaged() { var x = _a; for (int i = 0; i < 1000; i++) Fr.MulManaged(x, _b, out x); return x; }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void IndependentManaged() { for (int i = 0; i < 1000; i++) Fr.MulManaged(_xs[i], _ys[i], out _out[i]); }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void IndependentFormer() { for (int i = 0; i < 1000; i++) FormerFrMul.Mul(_xs[i], _ys[i], out _out[i]); }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void Independent() { for (int i = 0; i < 1000; i++) Fr.Mul(_xs[i], _ys[i], out _out[i]); }
}

/// <summary>
/// The Fr product before the REDC shortcut (<c>RedcHigh</c>): each round computed the low word of m·P0 and its carry
/// (<c>MAdd0</c>). Kept only as the benchmark baseline.
/// </summary>
internal static class FormerFrMul
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Mul(in Fr a, in Fr b, out Fr r)
    {
        ulong x0 = a.L0, x1 = a.L1, x2 = a.L2, x3 = a.L3;
        ulong t0, t1, t2, t3, c, d, m;
        c = Fr.Mul64(b.L0, x0, out t0);
        c = Fr.MAdd1(b.L0, x1, c, out t1);
        c = Fr.MAdd1(b.L0, x2, c, out t2);
        c = Fr.MAdd1(b.L0, x3, c, out t3);
        d = c; m = t0 * Fr.Inv;
        c = Fr.MAdd0(m, Fr.P0, t0);
        c = Fr.MAdd2(m, Fr.P1, t1, c, out t0);
        c = Fr.MAdd2(m, Fr.P2, t2, c, out t1);
        c = Fr.MAdd2(m, Fr.P3, t3, c, out t2);
        t3 = c + d;
        Round(b.L1, x0, x1, x2, x3, ref t0, ref t1, ref t2, ref t3);
        Round(b.L2, x0, x1, x2, x3, ref t0, ref t1, ref t2, ref t3);
        Round(b.L3, x0, x1, x2, x3, ref t0, ref t1, ref t2, ref t3);
        if (Fr.LessThanP(t0, t1, t2, t3)) { r = new Fr(t0, t1, t2, t3); return; }
        ulong d0 = t0 - Fr.P0; ulong br = t0 < Fr.P0 ? 1UL : 0UL;
        ulong u1 = t1 - Fr.P1; ulong b1 = t1 < Fr.P1 ? 1UL : 0UL; ulong d1 = u1 - br; br = b1 | (u1 < br ? 1UL : 0UL);
        ulong u2 = t2 - Fr.P2; ulong b2 = t2 < Fr.P2 ? 1UL : 0UL; ulong d2 = u2 - br; br = b2 | (u2 < br ? 1UL : 0UL);
        r = new Fr(d0, d1, d2, t3 - Fr.P3 - br);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ulong bi, ulong x0, ulong x1, ulong x2, ulong x3, ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3)
    {
        ulong c, d, m;
        c = Fr.MAdd1(bi, x0, t0, out t0);
        c = Fr.MAdd2(bi, x1, t1, c, out t1);
        c = Fr.MAdd2(bi, x2, t2, c, out t2);
        c = Fr.MAdd2(bi, x3, t3, c, out t3);
        d = c; m = t0 * Fr.Inv;
        c = Fr.MAdd0(m, Fr.P0, t0);
        c = Fr.MAdd2(m, Fr.P1, t1, c, out t0);
        c = Fr.MAdd2(m, Fr.P2, t2, c, out t1);
        c = Fr.MAdd2(m, Fr.P3, t3, c, out t2);
        t3 = c + d;
    }
}
