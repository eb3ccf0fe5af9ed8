using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>FrVector kernels at 2^16 elements; SmallMatVec on a 256 × 256 int8 matrix (2^16 entries).</summary>
public class VectorBenchmarks
{
    private const int N = 1 << 16;
    private Fr[] _a = [], _b = [], _r = [], _v = [], _out = [];
    private sbyte[] _m = [];
    private Fr _x;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        _a = BenchData.Scalars(rng, N);
        _b = BenchData.Scalars(rng, N);
        _r = new Fr[N];
        _x = Fr.Random(rng);
        _m = Enumerable.Range(0, N).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        _v = BenchData.Scalars(rng, 256);
        _out = new Fr[256];
    }

    [Benchmark] public void Add() => FrVector.Add(_a, _b, _r);
    [Benchmark] public void Sub() => FrVector.Sub(_a, _b, _r);
    [Benchmark] public void Mul() => FrVector.Mul(_a, _b, _r);
    [Benchmark] public void Scale() => FrVector.Scale(_a, _x, _r);
    [Benchmark] public void Fold() => FrVector.Fold(_a, _b, _x, _r);
    [Benchmark] public Fr InnerProduct() => FrVector.InnerProduct(_a, _b);
    [Benchmark] public void SmallMatVecInt8() => FrVector.SmallMatVec(_m, 256, 256, _v, _out);
    [Benchmark] public void SmallMatVecTransposedInt8() => FrVector.SmallMatVecTransposed(_m, 256, 256, _v, _out);

    /// <summary>Baseline for the delayed-reduction kernel: the same matrix-vector product with full Fr products.</summary>
    [Benchmark(Baseline = true)]
    public void MatVecFullProducts()
    {
        for (int i = 0; i < 256; i++)
        {
            var acc = Fr.Zero;
            for (int j = 0; j < 256; j++) acc += Fr.FromInt64(_m[i * 256 + j]) * _v[j];
            _out[i] = acc;
        }
    }
}

/// <summary>
/// long → Fr for a W1-sized vector (2^20 entries, mostly small signed values): <see cref="FrVector.FromInt64"/> (blocks of eight
/// through FrBatch on the thread pool) against the one-thread <c>Select(Fr.FromInt64)</c> it replaced in the prover.
/// </summary>
public class FrFromInt64Benchmarks
{
    private long[] _v = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(4);
        _v = Enumerable.Range(0, 1 << 20).Select(i => i % 64 == 0 ? rng.NextInt64(long.MinValue, long.MaxValue) : rng.Next(-300, 300)).ToArray();
    }

    [Benchmark(Baseline = true)] public Fr[] SelectFromInt64() => _v.Select(Fr.FromInt64).ToArray();
    [Benchmark] public Fr[] Vector() => FrVector.FromInt64(_v);
}
